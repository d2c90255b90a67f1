"""Request and response bodies of the HTTP API, as pydantic models for validation and OpenAPI.

Responses are serialized from the library's own ``to_dict()`` (the DESIGN.md contract); the
response models here only describe that shape in the OpenAPI document, and a test checks
that every response validates against them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from verifier.channels.phone import known_region
from verifier.integrations.intake import MAX_BODY_CHARS, MAX_REQUESTER_CHARS, MAX_SUBJECT_CHARS
from verifier.scan.scanner import MAX_SCAN_CHARS

MAX_VALUE_CHARS = 2048  # as verifier.channels.cleaning: longer values are never a channel
MAX_BATCH_VALUES = 1000  # values of one POST /v1/check/batch (DESIGN.md)

Lang = Literal["en", "zh"]
Kind = Literal["url", "email", "phone", "handle"]
VerdictName = Literal["official", "lookalike", "known_scam", "not_official", "unknown", "invalid"]
Risk = Literal["high", "medium", "low", "none"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class CheckRequest(_Request):
    value: str = Field(max_length=MAX_VALUE_CHARS, description="Phone number, link, email or @handle.")
    brand: str | None = Field(default=None, max_length=100, description="Brand id or alias (TP钱包).")
    kind: Kind | None = Field(default=None, description="Force the channel kind instead of detecting it.")
    platform: str | None = Field(default=None, max_length=40, description="Platform of a handle.")
    region: str | None = Field(default=None, max_length=2, description="Region for numbers without +.")
    lang: Lang | None = Field(default=None, description="Message language; default from Accept-Language.")
    online: bool = Field(
        default=False,
        description="Also look the value up (DNS, RDAP, redirects, the page) and add `evidence`; only on a "
        "server started with `verifier serve --allow-online` (else 422 `online_not_allowed`).",
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str | None) -> str | None:
        # As `verifier check --region`: an unknown region is the caller's error (422
        # `unknown_region`), not something ignored for a url and refused only for some numbers.
        if region and not known_region(region):  # "" is no region, as in the library
            raise PydanticCustomError("unknown_region", "unknown region '{region}'", {"region": region})
        return region


class CheckBatchRequest(_Request):
    values: list[Annotated[str, Field(max_length=MAX_VALUE_CHARS)]] = Field(
        max_length=MAX_BATCH_VALUES,
        description=f"Values to check, each as `value` of /v1/check; at most {MAX_BATCH_VALUES:,}.",
    )
    brand: str | None = Field(default=None, max_length=100, description="Brand id or alias (TP钱包).")
    lang: Lang | None = Field(default=None, description="Message language; default from Accept-Language.")


class ScanRequest(_Request):
    text: str = Field(max_length=MAX_SCAN_CHARS, description="Message, ticket or page to scan.")
    brand: str | None = Field(default=None, max_length=100, description="Brand the text is about.")
    lang: Lang | None = Field(default=None, description="Language of messages and reply.")
    html: bool = Field(default=False, description="Read the text as HTML (scripts, styles ignored).")


class IntakeRequest(_Request):
    subject: str = Field(default="", max_length=MAX_SUBJECT_CHARS, description="Ticket subject.")
    body: str = Field(max_length=MAX_BODY_CHARS, description="Ticket body.")
    requester: str | None = Field(
        default=None, max_length=MAX_REQUESTER_CHARS, description="Requester's email, phone or handle."
    )
    brand: str | None = Field(default=None, max_length=100, description="Brand the help desk serves.")
    lang: Lang | None = Field(
        default=None, description="Language of the reply; default: Accept-Language, else the ticket's own."
    )


class ReasonOut(BaseModel):
    code: str
    message: str


class AllowlistStateOut(BaseModel):
    version: int | None
    expires: str | None
    verified: bool


class _Evidence(BaseModel):
    # An evidence part that failed or ran out of time holds only `error` (and what was learnt).
    model_config = ConfigDict(extra="allow")
    error: str | None = Field(default=None, description="Why this lookup did not finish (`timeout` ...).")


class DnsEvidence(_Evidence):
    name: str | None = Field(default=None, description="The host (a link's) or domain (an e-mail's).")
    resolves: bool | None = Field(default=None, description="False for NXDOMAIN or no address.")
    nxdomain: bool | None = None
    a: list[str] | None = None
    aaaa: list[str] | None = None
    cname: list[str] | None = Field(default=None, description="The CNAME chain's targets.")
    ns: list[str] | None = Field(default=None, description="Name servers of the registrable domain.")
    mx: list[str] | None = Field(default=None, description="Mail exchangers, by preference.")
    hosting: str | None = Field(default=None, description="Hosting platform the host or its CNAME is on.")
    receives_mail: bool | None = Field(
        default=None, description="E-mail only: MX, or an address without one."
    )
    spf: bool | None = Field(default=None, description="E-mail only: an SPF record is published.")
    dmarc: bool | None = Field(default=None, description="E-mail only: a DMARC record is published.")


class RdapEvidence(_Evidence):
    name: str | None = Field(default=None, description="The registrable domain asked about.")
    found: bool | None = Field(default=None, description="False when the registry does not know it (404).")
    registered: str | None = Field(default=None, description="Registration date (ISO 8601).")
    age_days: int | None = None
    expires: str | None = None
    registrar: str | None = None
    status: list[str] | None = None
    source: str | None = Field(default=None, description="The RDAP URL asked.")


class RedirectsEvidence(_Evidence):
    chain: list[str] | None = Field(default=None, description="URLs visited, the first and every redirect.")
    statuses: list[int | None] | None = Field(
        default=None, description="HTTP status of each (null: not fetched)."
    )
    final_url: str | None = None
    final_host: str | None = None
    redirected: bool | None = None
    final_verdict: VerdictName | None = Field(default=None, description="The verdict of where it ends.")
    final_rdap: RdapEvidence | None = Field(
        default=None, description="Registration of where it ends (another domain, not official)."
    )
    error_code: str | None = Field(default=None, description="fetch.non_public, fetch.too_slow ...")


class PageFinding(BaseModel):
    code: str
    category: str
    severity: Literal["high", "medium", "low"]
    excerpt: str
    message: str


class PageEvidence(_Evidence):
    url: str | None = None
    title: str | None = None
    brands: list[str] | None = Field(default=None, description="Brands the page names.")
    asks_for_secrets: bool | None = Field(default=None, description="Asks for seed words, a key or keystore.")
    risk: Risk | None = None
    findings: list[PageFinding] | None = None


class EvidenceOut(BaseModel):
    dns: DnsEvidence | None = None
    rdap: RdapEvidence | None = None
    redirects: RedirectsEvidence | None = None
    page: PageEvidence | None = None


class CheckResponse(BaseModel):
    input: str
    kind: Kind | None
    normalized: str | None
    verdict: VerdictName
    brand: str | None
    matched: str | None
    technique: str | None
    reasons: list[ReasonOut]
    allowlist: AllowlistStateOut
    evidence: EvidenceOut | None = Field(
        default=None,
        description="Only with `online: true`: what the lookups found; each key only when looked up.",
    )


class CheckBatchResponse(BaseModel):
    results: list[CheckResponse] = Field(description="One check result a value, in the order given.")


class PatternOut(BaseModel):
    category: str
    code: str
    severity: Literal["high", "medium", "low"]
    span: list[int] = Field(min_length=2, max_length=2)
    excerpt: str
    message: str


class ScanResponse(BaseModel):
    risk: Risk
    channels: list[CheckResponse]
    patterns: list[PatternOut]
    brands: list[str]
    reply: str


class IntakeResponse(BaseModel):
    risk: Risk
    tags: list[str]
    reply: str
    scan: ScanResponse


class OfficialChannelOut(BaseModel):
    kind: Kind
    value: str
    platform: str | None
    evidence: str
    checked: str


class NoPhoneSupportOut(BaseModel):
    evidence: str = Field(description="Where the brand itself states it has no phone support.")
    checked: str


class BrandOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    default_region: str
    no_phone_support: NoPhoneSupportOut | None = Field(
        description="Set when the brand states it offers no phone support at all."
    )
    channels: list[OfficialChannelOut]


class AllowlistResponse(BaseModel):
    version: int | None
    expires: str | None
    verified: bool
    problem: str | None = Field(description="Why the bundle did not verify (English); null when it did.")
    problem_messages: dict[Literal["en", "zh"], str] | None = Field(
        description="The same reason in English and Simplified Chinese, for a bilingual page."
    )
    brands: list[BrandOut]


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    allowlist: AllowlistStateOut


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable identifier: invalid_request, unknown_brand, too_large ...")
    message: str
    details: list[dict[str, object]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
