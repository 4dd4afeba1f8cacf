"""Skill frameworks: import, edit, read, publish; each skill kept as an achievement.

Importing a framework stores it and creates (or updates) one achievement per
skill, ``{framework}-{skill}``, in one transaction: either the whole framework and
all its achievements are there, or nothing changed. Editing a skill or level
updates the framework and that skill's achievement together. Credentials already
issued keep the text they were signed with.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from issuer.achievements import to_ob
from issuer.frameworks import (
    FrameworkEdit,
    LevelEdit,
    SkillEdit,
    achievement_input,
    edit_framework,
    edit_level,
    edit_skill,
    framework_url,
    skill_achievement,
    skill_achievement_id,
)
from issuer.service.base import IssuerBase
from issuer.store import frameworks as rows
from issuer.store.db import aware
from shared.errors import ErrorCode, InvalidInput, NotFound
from shared.skills import Framework, parse_json, to_case, to_csv, to_json


class FrameworkOps(IssuerBase):
    """Keep skill frameworks and the achievements made from them."""

    def import_framework(
        self, framework: Framework, *, actor: str, language: str | None = None
    ) -> dict[str, Any]:
        """Store ``framework`` and create/update an achievement for each skill."""
        lang = language or framework.language
        if lang not in framework.languages:
            raise InvalidInput(
                f"the framework has no texts in '{lang}'",
                code=ErrorCode.invalid_framework,
                detail={"languages": framework.languages},
            )
        ids = [skill_achievement_id(framework.id, s.id) for s in framework.skills]
        now = self.now()
        created = updated = 0
        retired: list[str] = []
        with self.store.begin() as conn:
            before = rows.get(conn, framework.id)
            new = rows.put(conn, framework.id, to_json(framework), language=lang, now=now)
            for skill in framework.skills:
                if self._save_achievement(conn, framework, skill.id, lang):
                    created += 1
                else:
                    updated += 1
            if before is not None:
                # A skill the new version dropped is no longer awarded; what was
                # issued for it stays valid.
                kept = {s.id for s in framework.skills}
                for old in rows.document(before)["skills"]:
                    aid = skill_achievement_id(framework.id, old["id"])
                    if old["id"] not in kept and self.store.retire_achievement(conn, aid, now):
                        retired.append(aid)
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="framework_import",
                subject=framework.id,
                detail={"version": framework.version, "skills": len(framework.skills)},
            )
        return {
            "id": framework.id,
            "new": new,
            "url": framework_url(self.identity.base_url, framework.id),
            "language": lang,
            "skills": len(framework.skills),
            "levels": sum(len(s.levels) for s in framework.skills),
            "behaviours": sum(len(lv.behaviours) for s in framework.skills for lv in s.levels),
            "achievements": {
                "created": created,
                "updated": updated,
                "retired": retired,
                "ids": ids,
            },
        }

    def _save_achievement(
        self, conn: Connection, framework: Framework, skill_id: str, language: str
    ) -> bool:
        """Write the skill's achievement; True if it was new."""
        aid = skill_achievement_id(framework.id, skill_id)
        url = self.identity.achievement_url(aid)
        ob = skill_achievement(
            framework,
            framework.skill(skill_id),
            base_url=self.identity.base_url,
            issued_url=url,
            issued_language=language,
        )
        data = achievement_input(ob)
        to_ob(data, url)  # the stored definition must still make a valid achievement
        document = data.model_dump(mode="json")
        now = self.now()
        if self.store.achievement(conn, aid) is None:
            self.store.insert_achievement(conn, id=aid, document=document, valid_days=None, now=now)
            return True
        self.store.update_achievement(conn, aid, document=document, valid_days=None, now=now)
        return False

    def frameworks(self) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            found = rows.all_rows(conn)
        return [self._summary(row) for row in found]

    def framework(self, framework_id: str) -> Framework:
        with self.store.read() as conn:
            row = rows.get(conn, framework_id)
        if row is None:
            raise _not_found(framework_id)
        return parse_json(rows.document(row))

    def framework_info(self, framework_id: str) -> dict[str, Any]:
        with self.store.read() as conn:
            row = rows.get(conn, framework_id)
        if row is None:
            raise _not_found(framework_id)
        return self._summary(row)

    def _summary(self, row: Any) -> dict[str, Any]:
        document = rows.document(row)
        return {
            "id": row["id"],
            "name": document["name"],
            "version": document.get("version"),
            "languages": document["languages"],
            "language": row["language"],
            "skills": len(document["skills"]),
            "url": framework_url(self.identity.base_url, row["id"]),
            "created_at": aware(row["created_at"]),
            "updated_at": aware(row["updated_at"]),
        }

    def edit_framework(
        self, framework_id: str, change: FrameworkEdit, *, actor: str
    ) -> dict[str, Any]:
        """Change the framework's name, description or version; every skill's
        achievement follows (they carry the framework's name and version)."""
        now = self.now()
        with self.store.begin() as conn:
            row = rows.get(conn, framework_id)
            if row is None:
                raise _not_found(framework_id)
            framework = edit_framework(parse_json(rows.document(row)), change)
            rows.put(conn, framework_id, to_json(framework), language=row["language"], now=now)
            for skill in framework.skills:
                self._save_achievement(conn, framework, skill.id, row["language"])
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="framework_edit",
                subject=framework_id,
                detail={"fields": sorted(change.model_dump(exclude_unset=True))},
            )
        return self.framework_info(framework_id)

    def edit_skill(
        self, framework_id: str, skill_id: str, change: SkillEdit, *, actor: str
    ) -> dict[str, Any]:
        return self._edit(
            framework_id,
            skill_id,
            lambda fw: edit_skill(fw, skill_id, change),
            actor=actor,
            detail={"skill": skill_id, "fields": sorted(change.model_dump(exclude_unset=True))},
        )

    def edit_level(
        self, framework_id: str, skill_id: str, number: int, change: LevelEdit, *, actor: str
    ) -> dict[str, Any]:
        return self._edit(
            framework_id,
            skill_id,
            lambda fw: edit_level(fw, skill_id, number, change),
            actor=actor,
            detail={
                "skill": skill_id,
                "level": number,
                "fields": sorted(change.model_dump(exclude_unset=True)),
            },
        )

    def _edit(
        self,
        framework_id: str,
        skill_id: str,
        change: Any,
        *,
        actor: str,
        detail: dict[str, Any],
    ) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            row = rows.get(conn, framework_id)
            if row is None:
                raise _not_found(framework_id)
            framework: Framework = change(parse_json(rows.document(row)))
            rows.put(conn, framework_id, to_json(framework), language=row["language"], now=now)
            self._save_achievement(conn, framework, skill_id, row["language"])
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="framework_edit",
                subject=framework_id,
                detail=detail,
            )
        skill = framework.skill(skill_id)
        return skill.model_dump(mode="json", exclude_none=True)

    # ------------------------------------------------------------ published forms

    def framework_json(self, framework_id: str) -> dict[str, Any]:
        return to_json(self.framework(framework_id))

    def framework_case(self, framework_id: str, language: str | None = None) -> dict[str, Any]:
        framework = self.framework(framework_id)
        _check_language(framework, language)
        url = framework_url(self.identity.base_url, framework_id)
        return to_case(framework, url, language=language)

    def framework_csv(self, framework_id: str) -> bytes:
        return to_csv(self.framework(framework_id))

    def skill_achievement(
        self, framework_id: str, skill_id: str, language: str | None = None
    ) -> dict[str, Any]:
        """The skill's OB achievement in ``language`` (default: the one issued)."""
        framework = self.framework(framework_id)
        _check_language(framework, language)
        issued = self.framework_info(framework_id)["language"]
        aid = skill_achievement_id(framework_id, skill_id)
        return skill_achievement(
            framework,
            framework.skill(skill_id),
            base_url=self.identity.base_url,
            issued_url=self.identity.achievement_url(aid),
            issued_language=issued,
            language=language,
        )


def _check_language(framework: Framework, language: str | None) -> None:
    if language is not None and language not in framework.languages:
        raise InvalidInput(
            f"the framework has no texts in '{language}'",
            code=ErrorCode.invalid_request,
            detail={"languages": framework.languages},
        )


def _not_found(framework_id: str) -> NotFound:
    return NotFound(
        f"no framework '{framework_id}'",
        code=ErrorCode.framework_not_found,
        detail=framework_id,
    )
