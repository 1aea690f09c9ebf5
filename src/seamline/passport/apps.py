from django.apps import AppConfig

from seamline.core.periodic import periodic_add
from seamline.delivery.hooks import parcel_delivered
from seamline.floor.hooks import garments_packed
from seamline.production.panels import ORDER_PANELS


class PassportConfig(AppConfig):
    name = "seamline.passport"
    label = "passport"

    def ready(self) -> None:
        from seamline.trace.checkpoints import checkpoint_signer_set, checkpoints_take_task

        from .checkpoints import PassportCheckpointSigner
        from .tasks import issue_after_packing
        from .views import order_passports_panel, parcel_pages_drop

        garments_packed.add("issue passports", issue_after_packing)
        parcel_delivered.add("show the last mile", parcel_pages_drop)
        ORDER_PANELS.add("passports", order_passports_panel, position=40)
        # The ledger's chain heads are signed with the organizations' passport keys (trace is below us).
        checkpoint_signer_set(PassportCheckpointSigner())
        periodic_add("ledger checkpoints", checkpoints_take_task.enqueue)
