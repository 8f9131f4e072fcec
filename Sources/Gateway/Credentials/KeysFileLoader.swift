import Foundation
import Security

/// Identifies one version of a file on disk, so a poll can tell that it changed (a rename by
/// the CLI changes the inode; an in-place edit changes size or modification time).
struct FileSignature: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    /// The signature of the file at `path`, or nil when it cannot be read.
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = status.st_mtim.tv_sec
        modifiedNanoseconds = status.st_mtim.tv_nsec
    }
}

/// Reads the keys file from disk, refusing one that other users could read.
enum KeysFileLoader {
    /// The parsed, validated file at `path`, and the signature of the version read.
    static func load(path: String) throws(KeysFileError) -> (KeysFile, FileSignature?) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw KeysFileError(
                "keys file \(path) cannot be read (\(String(cString: strerror(errno)))); "
                    + "create it with 'gateway keys add CLIENT' or from keys.example")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw KeysFileError(
                "keys file \(path) has mode \(String(mode, radix: 8)): it must not be readable by group or others; "
                    + "run 'chmod 600 \(path)'")
        }
        let signature = FileSignature(path: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeysFileError("keys file \(path) cannot be read")
        }
        return (try KeysFile.parse(data), signature)
    }
}
