import CSQLite

/// A failure reported by SQLite: the result code and SQLite's own message.
///
/// The message never contains bound values, because values are always bound as parameters
/// and SQLite's messages only describe statements and constraints.
public struct SQLiteError: Error, CustomStringConvertible {
    /// The extended result code (e.g. `SQLITE_READONLY_DBMOVED`).
    public let code: Int32
    /// SQLite's description of the failure.
    public let message: String

    /// The primary result code: the low byte of the extended code.
    public var primaryCode: Int32 { code & 0xff }

    /// Whether the failure is about the database as a whole (locked, read-only, full, I/O)
    /// rather than about one statement, so the store should report itself unavailable.
    public var isUnavailability: Bool {
        [
            SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN,
            SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_PERM, SQLITE_NOLFS, SQLITE_PROTOCOL, SQLITE_AUTH,
        ]
        .contains(primaryCode)
    }

    /// Whether a UNIQUE, PRIMARY KEY or other constraint refused the statement.
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var description: String { "SQLite error \(code): \(message)" }
}

/// A value bound to or read from a statement.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

/// One SQLite database connection: the only type in the project that calls SQLite's C API.
///
/// Not thread-safe and not `Sendable`: each connection is owned by exactly one serial owner
/// (the group-commit writer's thread or one reader queue), as SQLite's "multi-thread" mode
/// requires ("no single database connection nor any object derived from database connection
/// ... is used in two or more threads at the same time").
public final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statementCache: [String: SQLiteStatement] = [:]

    /// Opens (creating when `readOnly` is false) the database at `path`.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 2000) throws {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            // "Whether or not an error occurs when it is opened, resources associated with the
            // database connection handle should be released by passing it to sqlite3_close()".
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteError(code: status, message: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Whether SQLite opened the main database read-only (e.g. the file is not writable).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Runs one or more statements that take no parameters and return no rows of interest.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard status == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message)
        }
    }

    /// Runs `sql` with `parameters` bound in order and returns every row.
    ///
    /// The prepared statement is cached by its text, so a hot query is compiled once.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(parameters)
        var rows: [[SQLiteValue]] = []
        while try statement.step() {
            rows.append(statement.currentRow())
        }
        return rows
    }

    /// Runs `sql` with `parameters` and returns the first column of the first row, if any.
    public func scalar(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> SQLiteValue? {
        try query(sql, parameters).first?.first
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    fileprivate var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    fileprivate func error() -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: lastErrorMessage)
    }

    private func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let statement = statementCache[sql] { return statement }
        var pointer: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil) == SQLITE_OK,
            let pointer
        else { throw error() }
        let statement = SQLiteStatement(pointer: pointer, connection: self)
        statementCache[sql] = statement
        return statement
    }
}

/// A prepared statement, owned by its connection's cache.
final class SQLiteStatement {
    private let pointer: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(pointer: OpaquePointer, connection: SQLiteConnection) {
        self.pointer = pointer
        self.connection = connection
    }

    deinit { sqlite3_finalize(pointer) }

    func bind(_ parameters: [SQLiteValue]) throws {
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let integer): status = sqlite3_bind_int64(pointer, index, integer)
            case .text(let text): status = sqlite3_bind_text(pointer, index, text, -1, gateway_sqlite_transient())
            case .blob(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(pointer, index, $0.baseAddress, Int32($0.count), gateway_sqlite_transient())
                }
            case .null: status = sqlite3_bind_null(pointer, index)
            }
            guard status == SQLITE_OK else { throw connection.error() }
        }
    }

    /// Advances to the next row; false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(pointer) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error()
        }
    }

    func currentRow() -> [SQLiteValue] {
        (0..<sqlite3_column_count(pointer)).map { column in
            switch sqlite3_column_type(pointer, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(pointer, column))
            case SQLITE_NULL: return .null
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(pointer, column))
                guard count > 0, let base = sqlite3_column_blob(pointer, column) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
            default:
                // sqlite3_column_text returns UTF-8; its length comes from sqlite3_column_bytes.
                let count = Int(sqlite3_column_bytes(pointer, column))
                guard let text = sqlite3_column_text(pointer, column) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            }
        }
    }

    /// Resets the statement and clears its bindings so it can be reused.
    func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
    }
}

extension SQLiteValue {
    /// The integer, or nil for any other kind of value.
    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    /// The text, or nil for any other kind of value.
    public var text: String? { if case .text(let value) = self { value } else { nil } }
}
