"""Small views of the project: corrections to Oscar's, the login lockout page, the admin login."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.contrib.auth import login as auth_login
from oscar.apps.customer.signals import user_registered
from oscar.apps.customer.views import AccountAuthView as OscarAccountAuthView
from oscar.apps.customer.views import AccountRegistrationView as OscarAccountRegistrationView
from oscar.apps.customer.views import OrderLineView as OscarOrderLineView
from oscar.core.loading import get_model

Line = get_model("order", "Line")


class OrderLineView(OscarOrderLineView):
    """Oscar's order line actions; a line of another order (or no line) is a 404, not a 500."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Line.DoesNotExist as error:
            raise Http404("No such line in this order") from error

    def get(self, request, *args, **kwargs):
        # Oscar has no page for one line (its GET renders a template that does not
        # exist); the line is shown on its order's page.
        self.get_object()
        return redirect("customer:order", order_number=self.kwargs["order_number"])


class RegisterUserMixin:
    """Oscar's registration, signing the new account in directly.

    Oscar authenticates the new account without the request, which django-axes refuses
    (AxesBackendRequestParameterRequired: every registration was a server error). The
    password was just set from the form, so there is nothing to check: sign the account in.
    """

    def register_user(self, form):
        user = form.save()
        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        auth_login(self.request, user, backend="oscar.apps.customer.auth_backends.EmailBackend")
        return user


class AccountRegistrationView(RegisterUserMixin, OscarAccountRegistrationView):
    pass


class AccountAuthView(RegisterUserMixin, OscarAccountAuthView):
    """Oscar's login and registration page; staff land on the programme back office (which links
    to Oscar's dashboard), not on the dashboard, when no ``next`` page was asked for."""

    def get_login_success_url(self, form):
        if not form.cleaned_data["redirect_url"] and self.request.user.is_staff:
            return reverse("backoffice:home")
        return super().get_login_success_url(form)


def login_locked_out(request, credentials, *args, **kwargs):
    """django-axes' answer to a locked-out login: a translated page saying for how long (HTTP 429)."""
    return render(
        request,
        "axes/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


def admin_login(request):
    """Django's admin has no login page of its own: staff sign in through the shop.

    Signed-in staff go on to the admin; anyone else signed in is refused (403), and
    visitors are sent to the shop's login, which is throttled like every login.
    """
    next_url = request.GET.get("next", "/django-admin/")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url if url_has_allowed_host_and_scheme(next_url, None) else "/django-admin/")
        raise PermissionDenied
    return redirect(f"{reverse('customer:login')}?{urlencode({'next': next_url})}")


def login_username(request, credentials=None):
    """The username django-axes records, cut to its 255-character column.

    Without this, a login form posted with a 5,000-character "username" made
    django-axes fail to store the attempt: a server error instead of "wrong password".
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:255] if isinstance(username, str) else username
