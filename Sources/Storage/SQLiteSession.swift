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
        // The writer keeps SQLite's automatic checkpoint (after a commit that takes the log
        // past 1000 pages): only the one writer, between its own batches, can find the whole
        // log copied and restart it from the beginning. `WALCheckpointer` copies most of it
        // beforehand on its own thread, so that checkpoint has little left to do.
        try connection.execute("PRAGMA foreign_keys=ON")
        return connection
    }

    /// Opens the connection of the background checkpointer (`WALCheckpointer`): it writes only
    /// the database file, from the log, and fsyncs it as the writer's checkpoints do.
    func openCheckpointer() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try connection.execute("PRAGMA synchronous=FULL")
        return connection
    }

    /// Opens a connection that only reads; `query_only` makes an accidental write fail.
    func openReader() throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try connection.execute("PRAGMA query_only=1")
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
