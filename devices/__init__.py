"""Scanner drivers: transports, pure framing/parsing, simulators.

Every reader yields one normalised :class:`devices.scan.ScanEvent`.
"""

from devices.scan import CredentialKind, PersonInfo, ScanEvent, ScanSource

__all__ = ["CredentialKind", "PersonInfo", "ScanEvent", "ScanSource"]
