import Storage

/// `GET /admin/rejections` and `GET /admin/rejections/summary`: the refusal audit for
/// security reviewers.
struct RejectionsHandler: Sendable {
    let audit: any RejectionAudit

    func list(_ request: Request, context: RequestContext) async throws -> Response {
        let common = try ListQueryParameters.parse(request)
        let page = try await audit.rejections(
            matching: RejectionQuery(
                code: request.queryValue("code"), clientID: request.queryValue("client_id"), since: common.since,
                until: common.until, beforeID: common.beforeID, limit: common.limit))
        return .json(
            200,
            .object([
                ("rejections", .array(page.records.map(Self.json))),
                ("next_cursor", .optional(page.nextBeforeID.map(ListQueryParameters.encodeCursor))),
            ]))
    }

    func summary(_ request: Request, context: RequestContext) async throws -> Response {
        let common = try ListQueryParameters.parse(request)
        let summary = try await audit.rejectionSummary(since: common.since, until: common.until)
        return .json(200, Self.summaryJSON(summary))
    }

    /// The summary in the contract's shape.
    static func summaryJSON(_ summary: RejectionSummary) -> JSONValue {
        .object([
            ("total", .integer(Int64(summary.total))),
            (
                "by_code",
                .array(
                    summary.byCode.map { .object([("code", .string($0.code)), ("count", .integer(Int64($0.count)))]) })
            ),
            (
                "by_client",
                .array(
                    summary.byClient.map {
                        .object([("client_id", .optional($0.clientID)), ("count", .integer(Int64($0.count)))])
                    })
            ),
        ])
    }

    /// A record with its §4 field names, in the contract's order.
    static func json(_ record: RejectionRecord) -> JSONValue {
        .object(
            [
                ("id", .integer(record.id)), ("occurred_at", .string(record.occurredAt)),
                ("request_id", .string(record.requestID)), ("client_id", .optional(record.clientID)),
                ("api_key_id", .optional(record.apiKeyID)), ("remote_addr", .string(record.remoteAddress)),
                ("method", .string(record.method)), ("path", .string(record.path)),
                ("status", .integer(Int64(record.status))), ("code", .string(record.code)),
                ("message", .string(record.message)), ("webhook_id", .optional(record.webhookID)),
                ("body_size", .integer(Int64(record.bodySize))), ("body_sha256", .optional(record.bodySHA256)),
                ("prev_hash", .string(record.previousHash)), ("hash", .string(record.hash)),
            ])
    }
}
