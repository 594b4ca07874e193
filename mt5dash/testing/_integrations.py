"""Contact point integration types: which settings are secret, what is required."""

from __future__ import annotations

from typing import Any

REDACTED = "[REDACTED]"

# Secret settings per integration type: the options marked Secure in Grafana
# 11's pkg/services/ngalert/notifier/channels_config/available_channels.go,
# where Google Chat, VictorOps and DingDing URLs are plain settings (builds
# from mid-2025 on treat the DingDing url as a secret; the fake, like 12.0,
# does not).
SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "slack": ("url", "token"),
    "dingding": (),
    "webhook": ("password", "authorization_credentials"),
    "discord": ("url",),
    "googlechat": (),
    "teams": (),
    "email": (),
    "telegram": ("bottoken",),
    "pagerduty": ("integrationKey",),
    "opsgenie": ("apiKey",),
    "pushover": ("userKey", "apiToken"),
    "victorops": (),
    "LINE": ("token",),
    "threema": ("api_secret",),
    "wecom": ("url", "secret"),
    "sensugo": ("apikey",),
    "webex": ("bot_token",),
}
SLACK_API_URL = "https://slack.com/api/chat.postMessage"
MENTION_CHANNELS = ("", "here", "channel")


def problem(kind: str, settings: dict[str, Any]) -> str | None:
    """What Grafana refuses in these settings of that type, or None."""
    if kind not in SECRET_KEYS:
        return f"notifier type {kind!r} is not supported"
    if kind == "dingding" and not settings.get("url"):
        return "could not find url property in settings"
    if kind == "slack":
        return _slack_problem(settings)
    if kind == "webhook" and not settings.get("url"):
        return "required field 'url' is not specified"
    if kind == "email" and not settings.get("addresses"):
        return "could not find addresses in settings"
    if kind in ("discord", "googlechat", "teams") and not settings.get("url"):
        return "could not find url property in settings"
    return None


def _slack_problem(settings: dict[str, Any]) -> str | None:
    # Checked in grafana/alerting's order (receivers/slack/v1/config.go): the
    # recipient before mentionChannel, and only when no webhook url and no
    # custom endpointUrl send the message elsewhere than the chat API.
    chat_api = (
        settings.get("url") or settings.get("endpointUrl") or SLACK_API_URL
    ) == (SLACK_API_URL)
    if chat_api and not str(settings.get("recipient") or "").strip():
        return "recipient must be specified when using the Slack chat API"
    mention = settings.get("mentionChannel") or ""
    if mention not in MENTION_CHANNELS:
        return f'invalid value for mentionChannel: "{mention}"'
    if chat_api and not settings.get("token"):
        return "token must be specified when using the Slack chat API"
    return None


def redact(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings with each secret that is set shown as ``[REDACTED]``."""
    secret = SECRET_KEYS.get(kind, ())
    return {k: REDACTED if k in secret and v else v for k, v in settings.items()}


def without_secrets(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings with the secret keys taken out, as Grafana stores them apart."""
    secret = SECRET_KEYS.get(kind, ())
    return {k: v for k, v in settings.items() if k not in secret}


def merge_secrets(
    kind: str, settings: dict[str, Any], stored: dict[str, Any]
) -> dict[str, Any]:
    """New settings where ``[REDACTED]`` or left-out secrets keep stored values."""
    merged = dict(settings)
    for key in SECRET_KEYS.get(kind, ()):
        if merged.get(key) in (REDACTED, None) and key in stored:
            merged[key] = stored[key]
    return merged
