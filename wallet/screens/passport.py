"""The skills passport: per framework and skill the highest level, what it means, the
route so far, the evidence and endorsements; filters by skill, issuer and date.

Reading hundreds of badges and laying out the text happen in workers (threads), so
typing in a filter never waits for the wallet file."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static

from shared.errors import RugzakError
from shared.showing.narrative import plain_text
from wallet.data.passport import PassportSkill, build_passport, filter_passport, skills_profile
from wallet.i18n import Translator
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.widgets.fields import TextField


class PassportScreen(WalletScreen):
    """Skills and levels, read from the learner's own level badges."""

    DEFAULT_CSS = """
    PassportScreen #passport-filters { height: 1; margin: 1 0; }
    PassportScreen #passport-filters Input { margin: 0 1 0 0; width: 1fr; }
    PassportScreen #passport-since { max-width: 22; }
    PassportScreen #passport-count { width: auto; padding: 0 1; color: $text-muted; }
    PassportScreen #passport-text { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "common.back"),
        Binding("slash", "search", "bind.search"),
        Binding("p", "present_profile", "bind.present_profile"),
    ]

    def __init__(self, session: WalletSession) -> None:
        super().__init__(session)
        self.skills: list[PassportSkill] = []
        self.shown: list[PassportSkill] = []
        self.loaded = False
        self.sub_title = self.t("passport.title")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="passport-filters"):
            yield TextField(placeholder=self.t("passport.skill"), id="passport-skill", compact=True)
            yield TextField(
                placeholder=self.t("passport.issuer"), id="passport-issuer", compact=True
            )
            yield TextField(placeholder=self.t("passport.since"), id="passport-since", compact=True)
            yield Label("", id="passport-count")
        with VerticalScroll(id="passport-body"):
            yield Static(self.t("passport.loading"), id="passport-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#passport-body", VerticalScroll).focus()
        self.load()

    @work(exclusive=True, group="passport")
    async def load(self) -> None:
        try:
            self.skills = await self.off_thread(self._read)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.loaded = True
        self.apply_filters()

    def _read(self) -> list[PassportSkill]:
        store = self.wallet.store
        return build_passport(store.everything())

    @on(Input.Changed)
    def _filters_changed(self) -> None:
        if self.loaded:
            self.apply_filters()

    @work(exclusive=True, group="passport-filter")
    async def apply_filters(self) -> None:
        skill = self.query_one("#passport-skill", Input).value
        issuer = self.query_one("#passport-issuer", Input).value
        since = self.query_one("#passport-since", Input).value
        skills = self.skills

        def render() -> tuple[list[PassportSkill], Group]:
            chosen = filter_passport(skills, skill=skill, issuer=issuer, since=since)
            return chosen, passport_text(chosen, self.t, total=len(skills))

        self.shown, text = await self.off_thread(render)
        self.query_one("#passport-text", Static).update(text)
        self.query_one("#passport-count", Label).update(
            self.t("passport.count", shown=len(self.shown), total=len(skills))
        )

    def action_search(self) -> None:
        self.query_one("#passport-skill", Input).focus()

    def action_present_profile(self) -> None:
        """Present "my skills profile" in one step: the present screen opens with the
        highest level of every skill shown (the filters choose the skills) picked; the
        learner adds the verifier's request (OpenID4VP link, short code or QR fallback)."""
        self._present_profile()

    @work(exclusive=True, group="passport-present")
    async def _present_profile(self) -> None:
        from wallet.screens.present import PresentScreen

        chosen = skills_profile(self.shown)
        if not chosen:
            self.notify(self.t("passport.none_match"), severity="warning")
            return
        try:
            cards = await self.off_thread(self.wallet.cards)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.app.push_screen(PresentScreen(self.session, cards, preselected=chosen))
        self.notify(self.t("passport.profile_picked", count=len(chosen)))

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self.query_one("#passport-body", VerticalScroll).focus()
            return
        self.app.pop_screen()


def passport_text(skills: list[PassportSkill], t: Translator, *, total: int) -> Group:
    """The passport as styled text: a heading per framework, a block per skill (wrapped
    lines keep their indent, so a narrow terminal still reads as a list)."""
    if not skills:
        return Group(Text(t("passport.empty") if total == 0 else t("passport.none_match")))
    parts: list[RenderableType] = []

    def line(text: str | Text, indent: int = 0, style: str = "") -> None:
        body = text if isinstance(text, Text) else Text(text, style=style)
        parts.append(Padding(body, (0, 0, 0, indent)) if indent else body)

    framework: str | None = None
    for entry in skills:
        route = entry.route
        if entry.framework != framework:
            framework = entry.framework
            if parts:
                line("")
            line(framework or t("passport.other_framework"), style="bold underline")
            line("")
        highest = route.highest
        title = Text(route.skill, style="bold")
        if highest is not None:
            level = highest.level
            title.append("  ")
            title.append(t("passport.highest", level=level.number, of=route.of), style="bold green")
            if level.name and level.name != str(level.number):
                title.append(f" — {level.name}")
        line(title)
        if highest is not None and (highest.level.behaviours or highest.level.description):
            line(t("passport.means"), 2, "italic")
            if highest.level.description:
                line(highest.level.description, 2, "dim")
            for behaviour in highest.level.behaviours:
                line(f"• {behaviour}", 2)
        route_line = Text(t("passport.route") + " ", style="italic")
        route_line.append(" → ".join(str(a.level.number or "?") for a in route.awards))
        line(route_line, 2)
        for award in route.awards:
            step = t(
                "passport.step",
                number=award.level.number or "?",
                date=(award.issued or "-")[:10],
                issuer=award.issuer or "-",
            )
            line(step, 4, "dim")
        if entry.evidence:
            line(t("passport.evidence"), 2, "italic")
            for item in entry.evidence:
                told = " ".join(plain_text(item.narrative).split())  # Markdown, one line
                label = ": ".join(part for part in (item.name, told) if part)
                text = Text(f"• {label or item.url or '-'}")
                if item.url and label:
                    text.append(f" {item.url}", style="underline")
                line(text, 2)
        if entry.endorsements:
            line(t("passport.endorsements"), 2, "italic")
            for endorsement in entry.endorsements:
                said = t(
                    "passport.endorsed_by", issuer=endorsement.endorser, text=endorsement.comment
                )
                line(f"• {said}", 2)
        line("")
    return Group(*parts[:-1])
