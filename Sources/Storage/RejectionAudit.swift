/// The tamper-evident log of refused requests (contract §4).
public protocol RejectionAudit: Sendable {
    /// Appends a record to the hash chain and returns it (with its id and hash) once committed.
    func recordRejection(_ draft: RejectionRecord.Draft) async throws -> RejectionRecord

    /// Records matching `query`, newest first.
    func rejections(matching query: RejectionQuery) async throws -> RejectionPage

    /// Counts by code and by client over `since`..<`until` (either may be nil).
    func rejectionSummary(since: String?, until: String?) async throws -> RejectionSummary

    /// Walks the whole chain; nil when intact, else the first record that fails and why.
    func verifyRejectionChain() async throws -> ChainBreak?
}

public struct RejectionQuery: Sendable, Equatable {
    public var code: String?
    public var clientID: String?
    public var since: String?
    public var until: String?
    public var beforeID: Int64?
    public var limit: Int

    public init(
        code: String? = nil, clientID: String? = nil, since: String? = nil, until: String? = nil,
        beforeID: Int64? = nil, limit: Int = 50
    ) {
        self.code = code
        self.clientID = clientID
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// One page of audit records, newest first, and the id to continue below.
public typealias RejectionPage = KeysetPage<RejectionRecord>

extension KeysetPage where Item == RejectionRecord {
    public var records: [RejectionRecord] { items }
}

public struct RejectionSummary: Sendable, Equatable {
    public var total: Int
    public var byCode: [(code: String, count: Int)]
    public var byClient: [(clientID: String?, count: Int)]

    public static func == (lhs: RejectionSummary, rhs: RejectionSummary) -> Bool {
        lhs.total == rhs.total && lhs.byCode.elementsEqual(rhs.byCode) { $0 == $1 }
            && lhs.byClient.elementsEqual(rhs.byClient) { $0 == $1 }
    }
}

/// Where and why the chain check failed.
public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    /// The id of the first record that does not verify (for a deletion: the record after the gap).
    public var recordID: Int64
    public var reason: String

    public var description: String { "record \(recordID): \(reason)" }
}
