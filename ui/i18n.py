"""Loading translations: Simplified Chinese by default, English (the source strings) on request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
DEFAULT_LANG = "zh_CN"


def normalize_lang(lang: str | None) -> str:
    """`zh_CN` (also zh, zh-CN, zh_Hans) or `en`; anything unknown falls back to Chinese."""
    value = (lang or DEFAULT_LANG).strip().replace("-", "_")
    if value.lower().startswith("en"):
        return "en"
    return DEFAULT_LANG


def install_translations(app: QApplication, lang: str | None) -> list[QTranslator]:
    """Install our .qm and Qt's own (standard buttons, calendar); keep the result alive."""
    lang = normalize_lang(lang)
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return []
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"menpiao_{lang}", str(I18N_DIR)), (f"qtbase_{lang}", qt_dir)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def remove_translations(app: QApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
