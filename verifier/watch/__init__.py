"""``verifier watch``: follow Certificate Transparency logs (RFC 6962 and static-ct-api) and
report names that imitate an official domain the day their certificate is logged.

    from verifier.watch import Watcher, load_log_list
"""

from verifier.watch.alerts import Alert, TelegramAlerts, Webhook
from verifier.watch.errors import (
    BadTreeHeadSignature,
    LogFormatError,
    LogListError,
    LogUnavailable,
    StateLocked,
    TreeShrank,
    WatchError,
)
from verifier.watch.fetch import Politeness, new_client
from verifier.watch.loglist import (
    DEFAULT_LOG_LIST,
    LogKind,
    LogList,
    LogSpec,
    LogState,
    load_log_list,
    parse_log_list,
)
from verifier.watch.matcher import Match, Matcher
from verifier.watch.reader import LogReader
from verifier.watch.state import WatchState
from verifier.watch.watcher import LogReport, Start, Watcher

__all__ = [
    "DEFAULT_LOG_LIST",
    "Alert",
    "BadTreeHeadSignature",
    "LogFormatError",
    "LogKind",
    "LogList",
    "LogListError",
    "LogReader",
    "LogReport",
    "LogSpec",
    "LogState",
    "LogUnavailable",
    "Match",
    "Matcher",
    "Politeness",
    "Start",
    "StateLocked",
    "TelegramAlerts",
    "TreeShrank",
    "WatchError",
    "WatchState",
    "Watcher",
    "Webhook",
    "load_log_list",
    "new_client",
    "parse_log_list",
]
