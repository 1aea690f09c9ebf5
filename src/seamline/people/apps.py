from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "seamline.people"
    label = "people"
