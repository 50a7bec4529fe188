from csp.decorators import csp_exempt
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory

from advocacy.csp import SiteCSPMiddleware

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def answer(view):
    request = RequestFactory().get("/")
    middleware = SiteCSPMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def test_pages_get_the_policy():
    assert "default-src 'self'" in answer(lambda request: HttpResponse("<p>page</p>"))[HEADER]


def test_an_exempt_response_gets_no_policy():
    response = answer(csp_exempt()(lambda request: JsonResponse({"status": "processed"})))
    assert HEADER not in response
    assert REPORT_ONLY not in response


def test_an_exempt_response_still_gets_a_report_only_policy_when_one_is_set(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = answer(csp_exempt()(lambda request: JsonResponse({"status": "processed"})))
    assert HEADER not in response
    assert "default-src 'none'" in response[REPORT_ONLY]
