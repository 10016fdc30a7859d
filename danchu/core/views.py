from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the baseline endpoint of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def perform(request: HttpRequest, target, action, success: str) -> HttpResponse:
    """Run one service step from a POST and go back to `target` (an object or a URL).

    A step the rules refuse comes back as an error message with 303, and — because the
    service runs in its own transaction — has changed nothing.
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    from danchu.core.errors import ValidationError, first_message

    try:
        action()
    except ValidationError as exc:
        messages.error(request, first_message(exc))
        response = redirect(target)
        response.status_code = 303
        return response
    messages.success(request, success)
    return redirect(target)


def submit_form(request: HttpRequest, form, step, success: str) -> tuple[bool, object]:
    """Validate a bound form and run one service step with its cleaned data: (True, the step's
    result), or (False, None) with the reasons left on the form (a refusal from the rules as a
    form-wide error).

    The service runs in its own transaction, so a refusal has written nothing.
    """
    from django.contrib import messages

    from danchu.core.errors import ValidationError, first_message

    if not form.is_valid():
        return False, None
    try:
        result = step(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, first_message(exc))
        return False, None
    messages.success(request, success)
    return True, result


def form_errors(request: HttpRequest, target, form) -> HttpResponse:
    """Show a bound form's errors as a message and go back to `target` (303)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    response = redirect(target)
    response.status_code = 303
    return response
