"""Human messages for reply codes, in the kiosk's language."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh_CN", "en"]

_MESSAGES: dict[str, tuple[str, str]] = {
    "checked_in": (
        "签到成功",
        "Checked in",
    ),
    "not_available": (
        "这项服务暂未开放，请联系工作人员",
        "This service is not available yet; please ask staff",
    ),
    "id_conflict": (
        "请求编号冲突，已拒收",
        "The request id is already used by another kiosk",
    ),
    "too_large": (
        "请求过大，已拒收",
        "The request is too large and was refused",
    ),
    "bad_json": (
        "请求格式错误，已拒收",
        "The request is not valid JSON and was refused",
    ),
    "bad_schema": (
        "请求内容不完整或有误，已拒收",
        "The request is incomplete or wrong and was refused",
    ),
    "bad_topic": (
        "请求地址错误，已拒收",
        "The request was sent to a wrong topic",
    ),
    "topic_mismatch": (
        "终端身份与请求不符，已拒收",
        "The kiosk identity does not match the request",
    ),
    "unknown_type": (
        "未知的请求类型",
        "Unknown request type",
    ),
    "unsupported_version": (
        "终端软件版本不兼容，请联系工作人员",
        "Kiosk software version is not supported",
    ),
}


_FALLBACK = ("处理失败，请联系工作人员", "Something went wrong; please ask staff")


def message_for(code: str, lang: Lang = "zh_CN", detail: str = "") -> str:
    """The person-facing text for ``code``; ``detail`` (technical, English) is appended."""
    zh, en = _MESSAGES.get(code, _FALLBACK)
    text = zh if lang == "zh_CN" else en
    return f"{text} ({detail})"[:500] if detail else text
