"""scripts/messages: the Spanish catalogue is complete, and the check fails on what a
translator left undone."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "messages"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_the_committed_catalogues_are_complete():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "Translations complete: es." in result.stdout


@pytest.fixture
def copy(tmp_path):
    """The script and a Spanish catalogue of three messages, in a project of their own."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "messages").write_text(SCRIPT.read_text())
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "django.po").write_text(
        header
        + 'msgid "Donate"\nmsgstr "Donar"\n\n'
        + '#, fuzzy\nmsgid "Amount"\nmsgstr "Cantidad"\n\n'
        + 'msgid "Payment"\nmsgstr ""\n\n'
        + '#, python-format\nmsgid "Thank you, %(name)s!"\nmsgstr "¡Gracias, %(nombre)s!"\n'
    )
    return tmp_path


def test_untranslated_fuzzy_and_broken_placeholders_fail_the_check(copy):
    result = subprocess.run([sys.executable, "scripts/messages", "check"], cwd=copy,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert "fuzzy: 'Amount'" in result.stderr
    assert "not translated: 'Payment'" in result.stderr
    assert "placeholders differ" in result.stderr and "Thank you, %(name)s!" in result.stderr
    assert "3 message(s) to translate or fix." in result.stderr


def test_compile_writes_what_django_reads_without_the_fuzzy(copy):
    subprocess.run([sys.executable, "scripts/messages", "compile"], cwd=copy, check=True,
                   timeout=60)  # fmt: skip
    with (copy / "locale" / "es" / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = read_mo(compiled)
    assert catalogue["Donate"].string == "Donar"
    assert catalogue.get("Amount") is None  # a fuzzy guess is not shipped
