/// One page of a newest-first listing and the id to continue below, or nil on the last page.
///
/// Keyset pagination: the next page is "ids below the last one shown", which stays correct
/// while rows are being added, unlike an offset.
public struct KeysetPage<Item: Sendable & Equatable>: Sendable, Equatable {
    public var items: [Item]
    public var nextBeforeID: Int64?

    public init(items: [Item], nextBeforeID: Int64?) {
        self.items = items
        self.nextBeforeID = nextBeforeID
    }

    /// The page made from `rows` fetched with `LIMIT limit + 1`: the extra row, if any, only
    /// says that another page follows.
    init(rows: [Item], limit: Int, id: (Item) -> Int64) {
        items = Array(rows.prefix(limit))
        nextBeforeID = rows.count > limit ? items.last.map(id) : nil
    }
}
