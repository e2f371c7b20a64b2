"""The import contract (scripts/import_contract.py) holds over the real code and catches a breach."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import_contract.py"
spec = importlib.util.spec_from_file_location("import_contract", SCRIPT)
contract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contract)


def test_the_apps_keep_the_import_contract():
    assert contract.all_breaches() == []


def test_a_reverse_import_is_a_breach_even_inside_a_function():
    source = "def f():\n    from awards.services import poll_open\n"
    breaches = contract.breaches_in(source, "clusters.services")
    assert breaches and "clusters may not import awards" in breaches[0]


def test_a_relative_reverse_import_is_a_breach():
    assert contract.breaches_in("from ..yearend import views\n", "awards.views")


def test_domain_code_may_not_import_the_url_conf():
    breaches = contract.breaches_in("from emulation import urls\n", "awards.views")
    assert breaches and "project wiring" in breaches[0]


def test_downward_and_same_layer_imports_are_allowed():
    source = "\n".join(
        [
            "from clusters.models import Unit",
            "from emulation.scoring import selectors",
            "from documents import queue",
        ]
    )
    assert contract.breaches_in(source, "emulation.pledges.services") == []
    assert contract.breaches_in("from yearend import urls\n", "emulation.urls") == []
