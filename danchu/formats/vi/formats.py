"""Vietnamese number formats beyond Django's: thousands are grouped ("1.500 hộ"), as on every
official report; Django's own vi formats set the separator but no grouping."""

NUMBER_GROUPING = 3
