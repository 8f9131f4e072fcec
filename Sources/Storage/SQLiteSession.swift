/// How every SQLite connection of the store is opened and set up.
struct SQLiteSession: Sendable {
    let path: String
    let busyTimeoutMilliseconds: Int32

    /// Opens a connection in WAL mode with fully durable commits.
    ///
    /// `synchronous=FULL` in WAL mode fsyncs the WAL at every commit, so a committed
    /// transaction survives power loss; group commit pays that fsync once per batch.
    func openWriter() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        guard !connection.isReadOnly else {
            // 8 is SQLITE_READONLY, the code SQLite itself gives a write to such a file.
            throw SQLiteError(code: 8, message: "database file is read-only")
        }
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=FULL")
        // Checkpoints run on the checkpointer's connection, off the commit path.
        try connection.execute("PRAGMA wal_autocheckpoint=0")
        try connection.execute("PRAGMA foreign_keys=ON")
        return connection
    }

    /// Opens a connection that only reads (`query_only` makes an accidental write fail), or,
    /// for the checkpointer, one that may checkpoint but writes no rows.
    func openReader(queryOnly: Bool = true) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        if queryOnly { try connection.execute("PRAGMA query_only=1") }
        return connection
    }
}

extension Error {
    /// This error as the store reports it: database-wide SQLite failures become
    /// `StorageError.unavailable`; everything else is passed on unchanged.
    var asStorageError: Error {
        if let sqliteError = self as? SQLiteError, sqliteError.isUnavailability {
            return StorageError.unavailable(reason: sqliteError.description)
        }
        return self
    }
}
