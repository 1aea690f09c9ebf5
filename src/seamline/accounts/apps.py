from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "seamline.accounts"
    label = "accounts"
