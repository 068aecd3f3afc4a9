"""Forms of the user management pages."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from yuanqu.accounts.models import User
from yuanqu.accounts.services import ZONE_BOUND_ROLES
from yuanqu.core.access import Role, is_city_admin
from yuanqu.zones.models import Zone


class UserForm(forms.Form):
    """A user's role, zones and password; a zone administrator sees only zone roles and its own zones."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"))
    zones = forms.ModelMultipleChoiceField(
        label=_("所属园区"), queryset=Zone.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, data=None, *, acting_user, user: User | None = None):
        initial = None
        if user is not None:
            initial = {
                "username": user.username,
                "role": user.role,
                "zones": list(user.zones.all()),
                "is_active": user.is_active,
            }
        super().__init__(data, initial=initial)
        self.user = user
        roles = Role.choices if is_city_admin(acting_user) else [c for c in Role.choices if c[0] in ZONE_BOUND_ROLES]
        self.fields["role"].choices = roles
        self.fields["zones"].queryset = Zone.objects.restrict(acting_user, action="change").order_by("code", "name")
        if user is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("至少 10 位，不能是常见密码、纯数字或与用户名相近")
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            self.fields["password"].help_text = _("留空则不修改密码")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if self.user is None and User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("该用户名已存在。"))
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password, self.user)
        return password
