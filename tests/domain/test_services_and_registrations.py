"""Service requests through their states; visitors and member registrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.domain.records import MemberRegistration, ServiceRequest, ServiceRequestStatus
from hub.domain.service_request import move
from protocol.messages import (
    MemberRegisterRequest,
    MessageType,
    ServiceRequestRequest,
)
from tests.domain.harness import Domain, local


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    made = Domain.create(tmp_path)
    made.service()
    made.organisation()
    return made


def _service(domain: Domain, service_id: str = "S-001") -> ServiceRequestRequest:
    body = {"service_id": service_id, "note": "代缴物业费"}
    return domain.request(ServiceRequestRequest, MessageType.SERVICE_REQUEST, body)


def test_a_service_request_is_submitted_then_moved_by_staff(domain: Domain) -> None:
    reply = domain.send(_service(domain))
    assert (reply.code, reply.result["state"]) == ("service_requested", "submitted")
    number = int(reply.result["service_request_id"])  # type: ignore[arg-type]
    with domain.sessions.begin() as session:
        moved = move(session, number, ServiceRequestStatus.ACCEPTED, "张老师跟进", domain.clock())
        assert not isinstance(moved, str)
    with domain.sessions.begin() as session:
        done = move(session, number, ServiceRequestStatus.DONE, "已办结", domain.clock())
        assert not isinstance(done, str) and done.staff_note == "张老师跟进\n已办结"
    with domain.sessions.begin() as session:
        refused = move(session, number, ServiceRequestStatus.DECLINED, "", domain.clock())
    assert refused == "cannot go from done to declined"
    [row] = domain.rows(ServiceRequest)
    assert row.status == "done"


def test_an_unknown_service_is_not_available(domain: Domain) -> None:
    reply = domain.send(_service(domain, "S-999"))
    assert (reply.status, reply.code) == ("rejected", "not_available")


def test_a_visitor_is_registered_with_consent(domain: Domain) -> None:
    reply = domain.register_visitor()
    assert (reply.code, reply.message) == ("visitor_registered", "Visitor registered")


def test_a_member_registers_once_per_organisation_on_the_local_date(domain: Domain) -> None:
    domain.clock.now = local(30, 23, 50)  # 15:50 UTC, still 30 Nov in Shanghai
    body = {"organisation_id": "org-st01"}
    first = domain.send(domain.request(MemberRegisterRequest, MessageType.MEMBER_REGISTER, body))
    again = domain.send(domain.request(MemberRegisterRequest, MessageType.MEMBER_REGISTER, body))
    unknown = domain.send(
        domain.request(MemberRegisterRequest, MessageType.MEMBER_REGISTER, {"organisation_id": "x"})
    )
    assert (first.code, first.result["registered_on"]) == ("member_registered", "2026-11-30")
    assert (again.code, unknown.code) == ("already_registered", "unknown_organisation")
    assert domain.count(MemberRegistration) == 1


def test_messages_follow_the_kiosk_language(domain: Domain) -> None:
    envelope = domain.envelope(MessageType.SERVICE_REQUEST, {"service_id": "S-001"}, lang="zh_CN")
    request = ServiceRequestRequest.model_validate_json(
        json.dumps(envelope, default=lambda v: v.isoformat())
    )
    assert domain.send(request).message == "服务申请已提交，工作人员将尽快处理"
