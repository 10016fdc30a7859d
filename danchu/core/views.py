from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the baseline endpoint of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")
