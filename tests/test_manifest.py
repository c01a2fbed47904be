"""The skill manifest (skill.json), checked with the interaction models it describes,
and the ASK CLI skill-package folder built from it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.__main__ import main
from skill.config import LOCALES
from skill.devtools.models import (
    MANIFEST_FILE,
    MODELS_DIR,
    ManifestError,
    build_package,
    check_all,
    load_manifest,
)

Edit = Callable[[dict[str, Any]], None]


def test_the_shipped_manifest_and_models_agree() -> None:
    assert check_all() == []
    manifest = load_manifest()
    assert set(manifest["publishingInformation"]["locales"]) == set(LOCALES)
    assert {p["name"] for p in manifest["permissions"]} == {
        "alexa::profile:mobile_number:read",
        "alexa::devices:all:notifications:write",
        "alexa::alerts:reminders:skill:readwrite",
    }
    # The schemas the notifier sends, and the skill events the skill answers.
    events = manifest["events"]
    assert [e["eventName"] for e in events["publications"]] == [
        "AMAZON.OrderStatus.Updated",
        "AMAZON.Occasion.Updated",
        "AMAZON.MessageAlert.Activated",
    ]
    assert {e["eventName"] for e in events["subscriptions"]} == {
        "SKILL_DISABLED",
        "SKILL_PERMISSION_ACCEPTED",
        "SKILL_PERMISSION_CHANGED",
        "SKILL_ACCOUNT_LINKED",
    }
    assert events["endpoint"] == manifest["apis"]["custom"]["endpoint"]


@pytest.fixture
def package(tmp_path: Path) -> tuple[Path, Path]:
    """A manifest and a models folder with the three locales, to spoil one at a time."""
    models = tmp_path / "models"
    models.mkdir()
    for locale in LOCALES:
        shutil.copy(MODELS_DIR / f"{locale}.json", models / f"{locale}.json")
    manifest = tmp_path / "skill.json"
    shutil.copy(MANIFEST_FILE, manifest)
    return manifest, models


def problems_after(package: tuple[Path, Path], edit: Edit) -> list[str]:
    manifest, models = package
    data = json.loads(manifest.read_text())
    edit(data["manifest"])
    manifest.write_text(json.dumps(data))
    return check_all(directory=models, manifest=manifest)


def phrases(locale: str, *new: str) -> Edit:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["publishingInformation"]["locales"][locale]["examplePhrases"] = list(new)

    return edit


def test_a_complete_package_has_no_problems(package: tuple[Path, Path]) -> None:
    assert problems_after(package, lambda manifest: None) == []


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            phrases("en-US", "Alexa, ask mensch moment where is my order"),
            "manifest: en-US: example phrase 'Alexa, ask mensch moment where is my order' "
            "must start with 'Alexa, open mensch moment'",
        ),
        (
            phrases("de-DE", "Alexa, öffne mensch moment", "Alexa, frag menschmoment nach Paketen"),
            "manifest: de-DE: example phrase 'Alexa, frag menschmoment nach Paketen' must "
            "start with 'Alexa, frag mensch moment'",
        ),
        (
            phrases("en-GB", "Alexa, open mensch moment", "Alexa, ask mensch moment to dance"),
            "manifest: en-GB: example phrase 'Alexa, ask mensch moment to dance': 'to dance' "
            "is no sample utterance of the model",
        ),
        (
            phrases("en-US", "Alexa, open mensch moment", *["Alexa, ask mensch moment to call me back"] * 3),
            "manifest: en-US: examplePhrases: one to three phrases",
        ),
        (
            lambda m: m["permissions"].append({"name": "alexa::profile:shoe_size:read"}),
            "manifest: permission alexa::profile:shoe_size:read is not an Alexa permission",
        ),
        (
            lambda m: m["permissions"].clear(),
            "manifest: the code asks for alexa::profile:mobile_number:read, which is not in "
            "permissions",
        ),
        (
            lambda m: m["privacyAndCompliance"]["locales"]["de-DE"].update(
                privacyPolicyUrl="http://shop.example/privacy"
            ),
            "manifest: de-DE: privacyPolicyUrl must be https:// or ${…}",
        ),
        (
            lambda m: m["publishingInformation"]["locales"].pop("en-GB"),
            "manifest: locale en-GB is missing",
        ),
        (
            lambda m: m["apis"]["custom"]["endpoint"].update(uri="https://skill.example/alexa"),
            "manifest: apis.custom.endpoint.uri must be a Lambda ARN or ${…}",
        ),
    ],
)  # fmt: skip
def test_manifest_problems_are_found(package: tuple[Path, Path], edit: Edit, problem: str) -> None:
    assert problem in problems_after(package, edit)


def test_slot_samples_and_connectors_count_as_sample_utterances(
    package: tuple[Path, Path],
) -> None:
    edit = phrases(
        "en-US",
        "Alexa, open mensch moment",
        "Alexa, ask mensch moment for the shipping refund",  # "the {remedy}"
        "Alexa, tell mensch moment i want to complain",
    )
    assert problems_after(package, edit) == []


def test_a_model_without_a_manifest_locale_is_found(package: tuple[Path, Path]) -> None:
    manifest, models = package
    shutil.copy(models / "de-DE.json", models / "de-AT.json")
    assert "manifest: de-AT.json has no locale in the manifest" in check_all(
        directory=models, manifest=manifest
    )


def test_the_skill_package_has_the_shops_urls_the_endpoint_and_the_models(
    package: tuple[Path, Path], tmp_path: Path
) -> None:
    manifest, models = package
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:menschmoment-prod-skill:snapstart"
    out = tmp_path / "skill-package"
    values = {
        "PRIVACY_POLICY_URL": "https://shop.example/privacy",
        "TERMS_OF_USE_URL": "https://shop.example/terms",
        "SKILL_ENDPOINT": arn,
    }
    written = json.loads(build_package(out, values, manifest, models).read_text())["manifest"]

    assert written["apis"]["custom"]["endpoint"]["uri"] == arn
    assert written["events"]["endpoint"]["uri"] == arn
    for urls in written["privacyAndCompliance"]["locales"].values():
        assert urls == {
            "privacyPolicyUrl": "https://shop.example/privacy",
            "termsOfUseUrl": "https://shop.example/terms",
        }
    copied = sorted(p.name for p in (out / "interactionModels" / "custom").iterdir())
    assert copied == ["de-DE.json", "en-GB.json", "en-US.json"]
    assert "${" not in (out / "skill.json").read_text()
    assert "öffne" in (out / "skill.json").read_text()  # not escaped to \\u00f6


def test_without_an_endpoint_the_package_leaves_it_out_and_urls_are_required(
    package: tuple[Path, Path], tmp_path: Path
) -> None:
    manifest, models = package
    values = {
        "PRIVACY_POLICY_URL": "https://a.example/p",
        "TERMS_OF_USE_URL": "https://a.example/t",
    }
    written = json.loads(build_package(tmp_path / "a", values, manifest, models).read_text())
    assert written["manifest"]["apis"]["custom"] == {
        "interfaces": [{"type": "CAN_FULFILL_INTENT_REQUEST"}]
    }
    assert "endpoint" not in written["manifest"]["events"]
    with pytest.raises(ManifestError, match="TERMS_OF_USE_URL"):
        build_package(
            tmp_path / "b", {"PRIVACY_POLICY_URL": "https://a.example/p"}, manifest, models
        )


def test_the_command_line_builds_the_package_and_refuses_missing_urls(
    package: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest, models = package
    sources = ["--manifest", str(manifest), "--models", str(models)]
    out = tmp_path / "skill-package"
    urls = ["--privacy-url", "https://s.example/p", "--terms-url", "https://s.example/t"]
    with pytest.raises(SystemExit) as built:
        main(["manifest", "build", str(out), *urls, *sources])
    assert built.value.code == 0
    assert (out / "skill.json").is_file()
    with pytest.raises(SystemExit) as refused:
        main(["manifest", "build", str(tmp_path / "x"), urls[0], urls[1], *sources])
    assert refused.value.code == 2
    assert "TERMS_OF_USE_URL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("region", "warned"),
    [("eu-west-1", False), ("us-east-1", False), ("us-west-2", False), ("eu-central-1", True)],
)
def test_the_package_warns_of_an_endpoint_in_a_region_alexa_does_not_call(
    region: str,
    warned: bool,
    package: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest, models = package
    arn = f"arn:aws:lambda:{region}:123456789012:function:menschmoment-prod-skill:snapstart"
    urls = ["--privacy-url", "https://s.example/p", "--terms-url", "https://s.example/t"]
    out = tmp_path / "skill-package"
    with pytest.raises(SystemExit) as built:
        main(["manifest", "build", str(out), *urls, "--endpoint", arn,
              "--manifest", str(manifest), "--models", str(models)])  # fmt: skip

    assert built.value.code == 0  # a warning: the package is written all the same
    assert (
        json.loads((out / "skill.json").read_text())["manifest"]["apis"]["custom"]["endpoint"][
            "uri"
        ]
        == arn
    )
    printed = capsys.readouterr()
    if warned:
        assert printed.err == (
            "warning: the skill's endpoint is in eu-central-1; Alexa calls a custom skill's "
            "Lambda only in us-east-1 (US East (N. Virginia)), us-west-2 (US West (Oregon)), "
            "eu-west-1 (Europe (Ireland)), ap-northeast-1 (Asia Pacific (Tokyo)): deploy with "
            "--region eu-west-1, say\n"
        )
    else:
        assert printed.err == ""
    assert "skill package:" in printed.out
