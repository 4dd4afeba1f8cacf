"""Blank node relabelling and grouping of canonical N-Quads (spec section 3.4).

Canonical labels (``c14n0``...) leak the document's shape: from the labels a
verifier sees, it can guess how many nodes were hidden. The base proof replaces
them with HMAC labels that only the issuer and holder can compute; the holder
then hands the verifier a map from the labels it will compute to the signed ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.jsonld.rdfc import canonical_labels, serialize
from shared.proof.ecdsa_sd.pointers import select_json_ld
from shared.proof.ecdsa_sd.skolem import Dataset, Skolemized, document_dataset, skolemize_compact

# canonicalIdMap (input label -> canonical label, both without "_:") -> new labels.
LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]


def hmac_label(hmac_key: bytes, canonical_label: str) -> str:
    """``u`` + base64url-no-pad(HMAC-SHA256(key, label)): one HMAC blank node label."""
    digest = hmac.new(hmac_key, canonical_label.encode("utf-8"), hashlib.sha256).digest()
    return "u" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hmac_label_map_function(hmac_key: bytes) -> LabelMapFactory:
    """The spec's createHmacIdLabelMapFunction."""

    def factory(canonical_id_map: Mapping[str, str]) -> dict[str, str]:
        return {name: hmac_label(hmac_key, c14n) for name, c14n in canonical_id_map.items()}

    return factory


def label_map_function(label_map: Mapping[str, str]) -> LabelMapFactory:
    """The spec's createLabelMapFunction: canonical label -> label from ``label_map``.

    A canonical label the map does not hold becomes ``None``, which the caller
    must treat as a document that does not match the proof.
    """

    def factory(canonical_id_map: Mapping[str, str]) -> dict[str, str]:
        return {
            name: label_map[c14n] for name, c14n in canonical_id_map.items() if c14n in label_map
        }

    return factory


def canonical_id_map(dataset: Dataset) -> dict[str, str]:
    """RDFC-1.0 on the dataset: input blank node name -> ``c14nN``."""
    labels = canonical_labels(list(dataset.quads))
    return {dataset.names[node]: label[2:] for node, label in labels.items()}


@dataclass(frozen=True)
class Relabelled:
    """Canonical N-Quads with replaced labels, and the input-name -> new-label map."""

    nquads: list[str]
    label_map: dict[str, str]


class MissingLabel(Exception):  # noqa: N818 - a signal caught by the verifier
    """A blank node the label map does not cover."""


def relabel(dataset: Dataset, label_map: Mapping[str, str]) -> list[str]:
    """Every quad with its blank nodes named by ``label_map`` (spec: relabelBlankNodes)."""
    try:
        labels = {node: "_:" + label_map[name] for node, name in dataset.names.items()}
    except KeyError as exc:
        raise MissingLabel(str(exc)) from exc
    return [serialize(q, labels) for q in dataset.quads]


def label_replacement_canonicalize(dataset: Dataset, factory: LabelMapFactory) -> Relabelled:
    """The spec's labelReplacementCanonicalizeNQuads (sorted by code point)."""
    label_map = factory(canonical_id_map(dataset))
    return Relabelled(sorted(relabel(dataset, label_map)), label_map)


def label_replacement_canonicalize_json_ld(
    document: dict[str, Any], factory: LabelMapFactory, *, legacy: bool = False
) -> Relabelled:
    """The spec's labelReplacementCanonicalizeJsonLd (``legacy``: ``canonicalize_and_group``)."""
    return label_replacement_canonicalize(_dataset(document, legacy), factory)


def _dataset(document: dict[str, Any], legacy: bool) -> Dataset:
    dataset = document_dataset(document)
    return dataset.in_legacy_form() if legacy else dataset


@dataclass(frozen=True)
class Group:
    """One named selection: which canonical N-Quads it matches, by absolute index."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized_nquads: list[str]
    dataset: Dataset


@dataclass(frozen=True)
class Grouped:
    """The spec's canonicalizeAndGroup output."""

    groups: dict[str, Group]
    skolemized: Skolemized
    deskolemized: Dataset
    label_map: dict[str, str]
    nquads: list[str]


def _selection_nquads(
    skolemized: Skolemized, pointers: Sequence[str], label_map: Mapping[str, str], legacy: bool
) -> tuple[set[str], Dataset]:
    selection = select_json_ld(skolemized.compact, pointers)
    if selection is None:
        return set(), Dataset(frozenset())
    dataset = _dataset(selection, legacy)
    known = {
        node: "_:" + label_map[name] for node, name in dataset.names.items() if name in label_map
    }
    # A blank node that was never skolemized (an @list node) cannot be matched
    # across documents; its statements simply match nothing, as in the spec.
    selected = {
        serialize(q, known)
        for q in dataset.quads
        if all(not isinstance(t, int) or t in known for t in (q[0], q[2], q[3]))
    }
    return selected, dataset


def canonicalize_and_group(
    document: dict[str, Any],
    factory: LabelMapFactory,
    group_definitions: Mapping[str, Sequence[str]],
    *,
    random_string: str | None = None,
    legacy: bool = False,
) -> Grouped:
    """Canonical N-Quads of ``document`` split by each group's JSON Pointers.

    ``legacy``: every statement in the N-Quads escaping before RDFC-1.0, as base proofs
    signed before 2026-11-28 were made (``Dataset.in_legacy_form``): canonical labels,
    HMAC labels, order and text all follow from that form, as they did for the signer.
    """
    skolemized = skolemize_compact(document, random_string)
    deskolemized = _dataset(skolemized.compact, legacy)
    relabelled = label_replacement_canonicalize(deskolemized, factory)
    groups: dict[str, Group] = {}
    for name, pointers in group_definitions.items():
        selected, dataset = _selection_nquads(skolemized, pointers, relabelled.label_map, legacy)
        matching: dict[int, str] = {}
        non_matching: dict[int, str] = {}
        for index, nq in enumerate(relabelled.nquads):
            (matching if nq in selected else non_matching)[index] = nq
        groups[name] = Group(matching, non_matching, dataset.nquads(), dataset)
    return Grouped(groups, skolemized, deskolemized, relabelled.label_map, relabelled.nquads)
