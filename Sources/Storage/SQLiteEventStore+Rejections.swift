extension SQLiteEventStore: RejectionAudit {
    public func recordRejection(_ draft: RejectionRecord.Draft) async throws -> RejectionRecord {
        let hasher = self.hasher
        return try await writer.write { connection in
            // The writer is the only one appending, so the last row inside this transaction is
            // the chain's head.
            let last = try connection.query("SELECT id, hash FROM rejections ORDER BY id DESC LIMIT 1").first
            let id = (last?[0].integer ?? 0) + 1
            var record = RejectionRecord(
                id: id, draft: draft, previousHash: last?[1].text ?? RejectionRecord.genesisHash, hash: "")
            record.hash = hasher(record.canonicalJSON)
            try connection.query(
                """
                INSERT INTO rejections (id, occurred_at, request_id, client_id, api_key_id, remote_addr, method, path,
                    status, code, message, webhook_id, body_size, body_sha256, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(record.id), .text(record.occurredAt), .text(record.requestID),
                    .optionalText(record.clientID), .optionalText(record.apiKeyID), .text(record.remoteAddress),
                    .text(record.method), .text(record.path), .integer(Int64(record.status)), .text(record.code),
                    .text(record.message), .optionalText(record.webhookID), .integer(Int64(record.bodySize)),
                    .optionalText(record.bodySHA256), .text(record.previousHash), .text(record.hash),
                ])
            return record
        }
    }

    public func rejections(matching query: RejectionQuery) async throws -> RejectionPage {
        var filter = SQLFilter()
        filter.require("code = ?", query.code.map(SQLiteValue.text))
        filter.require("client_id = ?", query.clientID.map(SQLiteValue.text))
        filter.require("occurred_at >= ?", query.since.map(SQLiteValue.text))
        filter.require("occurred_at < ?", query.until.map(SQLiteValue.text))
        filter.require("id < ?", query.beforeID.map(SQLiteValue.integer))
        let limit = query.limit
        let sql = "SELECT \(Self.rejectionColumns) FROM rejections \(filter.whereClause) ORDER BY id DESC LIMIT ?"
        let parameters = filter.parameters + [.integer(Int64(limit + 1))]
        return try await readers.read { connection in
            RejectionPage(rows: try connection.query(sql, parameters).map(Self.decodeRejection), limit: limit, id: \.id)
        }
    }

    public func rejectionSummary(since: String?, until: String?) async throws -> RejectionSummary {
        var filter = SQLFilter()
        filter.require("occurred_at >= ?", since.map(SQLiteValue.text))
        filter.require("occurred_at < ?", until.map(SQLiteValue.text))
        let parameters = filter.parameters
        let whereClause = filter.whereClause
        return try await readers.read { connection in
            let byCode = try connection.query(
                "SELECT code, count(*) AS n FROM rejections \(whereClause) GROUP BY code ORDER BY n DESC, code",
                parameters
            ).map { (code: $0[0].text ?? "", count: Int($0[1].integer ?? 0)) }
            let byClient = try connection.query(
                """
                SELECT client_id, count(*) AS n FROM rejections \(whereClause)
                GROUP BY client_id ORDER BY n DESC, client_id
                """, parameters
            ).map { (clientID: $0[0].text, count: Int($0[1].integer ?? 0)) }
            return RejectionSummary(total: byCode.reduce(0) { $0 + $1.count }, byCode: byCode, byClient: byClient)
        }
    }

    public func verifyRejectionChain() async throws -> ChainBreak? {
        let hasher = self.hasher
        return try await readers.read { connection in
            var previousID: Int64 = 0
            var previousHash = RejectionRecord.genesisHash
            // Pages of rows keep memory flat on a long chain.
            while true {
                let rows = try connection.query(
                    "SELECT \(Self.rejectionColumns) FROM rejections WHERE id > ? ORDER BY id LIMIT 1000",
                    [.integer(previousID)]
                ).map(Self.decodeRejection)
                guard !rows.isEmpty else { return nil }
                for record in rows {
                    if record.id != previousID + 1 {
                        return ChainBreak(recordID: record.id, reason: "records before it are missing (deleted)")
                    }
                    if record.previousHash != previousHash {
                        return ChainBreak(recordID: record.id, reason: "prev_hash does not match the previous record")
                    }
                    if hasher(record.canonicalJSON) != record.hash {
                        return ChainBreak(recordID: record.id, reason: "hash does not match the record's content")
                    }
                    previousID = record.id
                    previousHash = record.hash
                }
            }
        }
    }

    private static let rejectionColumns = """
        id, occurred_at, request_id, client_id, api_key_id, remote_addr, method, path, status, code, message,
        webhook_id, body_size, body_sha256, prev_hash, hash
        """

    private static func decodeRejection(_ row: [SQLiteValue]) -> RejectionRecord {
        RejectionRecord(
            id: row[0].integer ?? 0,
            draft: RejectionRecord.Draft(
                occurredAt: row[1].text ?? "", requestID: row[2].text ?? "", clientID: row[3].text,
                apiKeyID: row[4].text, remoteAddress: row[5].text ?? "", method: row[6].text ?? "",
                path: row[7].text ?? "", status: Int(row[8].integer ?? 0), code: row[9].text ?? "",
                message: row[10].text ?? "", webhookID: row[11].text, bodySize: Int(row[12].integer ?? 0),
                bodySHA256: row[13].text),
            previousHash: row[14].text ?? "", hash: row[15].text ?? "")
    }
}

/// A WHERE clause built from optional conditions, with its parameters in order.
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var parameters: [SQLiteValue] = []

    /// Adds `condition` (with one `?`) when `value` is present.
    mutating func require(_ condition: String, _ value: SQLiteValue?) {
        guard let value else { return }
        conditions.append(condition)
        parameters.append(value)
    }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}
