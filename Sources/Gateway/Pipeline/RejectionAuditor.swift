import Foundation
import Security
import Storage

/// Decides which refusals the audit keeps and writes them (contract §4): every 4xx on the
/// ingest route, and every 401/403/429 on an admin route. Never the body, key or signature:
/// only the body's size and SHA-256.
struct RejectionAuditor: Sendable {
    let audit: any RejectionAudit

    func shouldRecord(status: Int, routeKind: RouteKind) -> Bool {
        switch routeKind {
        case .ingest: (400..<500).contains(status)
        case .admin: [401, 403, 429].contains(status)
        case .other: false
        }
    }

    /// Stores the record and returns it (with its chain hash) once committed.
    func record(_ mapped: MappedError, request: Request, context: RequestContext) async throws -> RejectionRecord {
        let caller = context.trace.caller
        let bodyWasRead = !request.bodyExceededLimit
        let declaredLength = request.headers["Content-Length"].flatMap(Int.init) ?? 0
        let webhookID = request.headers["webhook-id"].flatMap { value in
            (1...255).contains(value.utf8.count) && value.utf8.allSatisfy { (0x21...0x7e).contains($0) } ? value : nil
        }
        return try await audit.recordRejection(
            RejectionRecord.Draft(
                occurredAt: Timestamp.iso8601UTC(Date()), requestID: context.requestID, clientID: caller.clientID,
                apiKeyID: caller.apiKeyID, remoteAddress: request.remoteAddress, method: request.method,
                path: request.path, status: mapped.status, code: mapped.code, message: mapped.message,
                webhookID: webhookID, bodySize: bodyWasRead ? request.body.count : declaredLength,
                bodySHA256: bodyWasRead ? SHA256.hexDigest(request.body) : nil))
    }
}
