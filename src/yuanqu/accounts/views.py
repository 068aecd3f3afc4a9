"""User management pages: city administrators manage everyone, zone administrators the users of their zones."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from yuanqu.accounts.forms import UserForm
from yuanqu.accounts.services import create_or_update_user, manageable_users, save_user
from yuanqu.core.access import can_manage_users
from yuanqu.core.views import edit_page


def _check_manager(user) -> None:
    if not can_manage_users(user):
        raise PermissionDenied("无权管理用户 / not allowed to manage users")


@login_required
def user_list(request):
    _check_manager(request.user)
    users = manageable_users(request.user).prefetch_related("zones").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
def user_create(request):
    _check_manager(request.user)
    form = UserForm(request.POST if request.method == "POST" else None, acting_user=request.user)

    def save(f):
        data = f.cleaned_data
        return create_or_update_user(
            username=data["username"],
            role=data["role"],
            zones=list(data["zones"]),
            password=data["password"],
            acting_user=request.user,
        )

    return edit_page(
        request,
        form=form,
        save=save,
        template="accounts/user_form.html",
        success_url=lambda _user: reverse("user-list"),
        context={"creating": True},
    )


@login_required
def user_edit(request, pk: int):
    _check_manager(request.user)
    user = get_object_or_404(manageable_users(request.user), pk=pk)
    form = UserForm(request.POST if request.method == "POST" else None, acting_user=request.user, user=user)

    def save(f):
        data = f.cleaned_data
        user.role = data["role"]
        user.is_active = data["is_active"]
        return save_user(
            user=user, zones=list(data["zones"]), password=data["password"] or None, acting_user=request.user
        )

    return edit_page(
        request,
        form=form,
        save=save,
        template="accounts/user_form.html",
        success_url=lambda _user: reverse("user-list"),
        context={"creating": False, "edited": user},
    )
