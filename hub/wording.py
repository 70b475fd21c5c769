"""Human messages for reply codes, in the kiosk's language."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh_CN", "en"]

_MESSAGES: dict[str, tuple[str, str]] = {
    "checked_in": (
        "签到成功",
        "Checked in",
    ),
    "booked": ("预约成功", "Booked"),
    "cancelled": ("预约已取消", "Booking cancelled"),
    "slot_taken": (
        "该时段已被预约，请选择其他时段或房间",
        "That time is already booked; please choose another time or room",
    ),
    "quota_exceeded": (
        "本周预约次数已达上限",
        "You have reached this week's booking limit",
    ),
    "closed": (
        "该时段不开放预约",
        "The room is closed at that time",
    ),
    "not_on_grid": (
        "预约时间须按整段时段选择",
        "Please book whole slots",
    ),
    "too_long": ("预约时长超过上限", "That booking is longer than allowed"),
    "too_late": ("该时段已过，无法预约", "That time has already passed"),
    "too_far_ahead": ("暂不能预约这么远的日期", "That date is too far ahead to book"),
    "unknown_room": ("未找到该房间", "Room not found"),
    "not_bookable_here": (
        "本驿站不能预约该房间",
        "This room cannot be booked from this station",
    ),
    "unknown_booking": ("未找到该预约", "Booking not found"),
    "not_yours": ("这不是您的预约", "This booking is not yours"),
    "already_ended": ("该预约已结束或已取消", "This booking has ended or was cancelled"),
    "signed_up": ("报名成功", "Signed up"),
    "waitlisted": (
        "名额已满，已为您登记候补，有空位时自动递补",
        "The activity is full; you are on the wait list and will move up automatically",
    ),
    "full": ("名额已满", "The activity is full"),
    "already_signed_up": ("您已报名该活动", "You have already signed up"),
    "unknown_activity": ("未找到该活动", "Activity not found"),
    "signup_closed": ("该活动已开始，报名已截止", "The activity has started; sign-up is closed"),
    "withdrawn": ("已取消报名", "Sign-up withdrawn"),
    "not_signed_up": ("您未报名该活动", "You are not signed up for this activity"),
    "service_requested": (
        "服务申请已提交，工作人员将尽快处理",
        "Request submitted; staff will take care of it",
    ),
    "visitor_registered": ("访客登记成功", "Visitor registered"),
    "member_registered": ("党员报到成功", "Member registration recorded"),
    "already_registered": (
        "您已在该党组织报到",
        "You are already registered with this organisation",
    ),
    "unknown_organisation": ("未找到该党组织", "Organisation not found"),
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
