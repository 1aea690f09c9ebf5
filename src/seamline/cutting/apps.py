from django.apps import AppConfig

from seamline.catalog.panels import STYLE_PANELS
from seamline.production.guards import transition_guard_add
from seamline.production.panels import ORDER_PANELS
from seamline.trace.namespaces import Namespace, namespace_add


class CuttingConfig(AppConfig):
    name = "seamline.cutting"
    label = "cutting"

    def ready(self) -> None:
        from . import views
        from .selectors import bundles_known, pattern_versions_known, uncut_blocker

        namespace_add(Namespace("bundle", bundles_known))  # how the ledger looks a bundle up
        namespace_add(Namespace("pattern", pattern_versions_known))  # a version's review events
        # The order's breakdown is cut before the order moves on to sewing.
        transition_guard_add(source="cutting", target="sewing", guard=uncut_blocker)
        STYLE_PANELS.add("patterns", views.style_patterns_panel, position=10)
        ORDER_PANELS.add("work", views.order_work_panel, position=10, slot="side")
        ORDER_PANELS.add("cut-plans", views.order_cut_plans_panel, position=20)
