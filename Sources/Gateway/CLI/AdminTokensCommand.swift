import Foundation
import Security

/// `gateway admin-tokens ...`: bearer tokens for the admin API.
enum AdminTokensCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["admin-tokens", "add"], summary: "Create an admin token, printed once; only its SHA-256 is stored.",
            arguments: ["NAME"], options: [.flag("--json", "print {\"id\":...,\"token\":...}")], run: add),
        CommandSpec(
            path: ["admin-tokens", "revoke"], summary: "Stop an admin token now.", arguments: ["NAME"], options: [],
            run: revoke),
        CommandSpec(
            path: ["admin-tokens", "list"], summary: "List admin tokens and their state (never a token).",
            arguments: [],
            options: [], run: list),
    ]

    private static func add(_ arguments: ParsedArguments) async -> Int32 {
        let name = arguments.positionals[0]
        guard KeysFile.isValidClientID(name) else {
            return CommandRunner.usage("token name must be 1-64 characters of [A-Za-z0-9_.-]")
        }
        return await CommandRunner.failing {
            let token = CredentialGenerator.adminToken()
            try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard !file.adminTokens.contains(where: { $0.id == name }) else {
                    throw KeysFileError("admin token \(name) already exists")
                }
                file.adminTokens.append(
                    KeysFile.HashedCredential(
                        id: name, sha256: SHA256.hexDigest(token), createdAt: Timestamp.iso8601Seconds(Date())))
            }
            CommandOutput.logChange("admin-tokens: added \(name)", arguments: arguments)
            if arguments.has("--json") {
                CommandOutput.printJSON(.object([("id", .string(name)), ("token", .string(token))]))
            } else {
                print("Admin token \(name), shown once: \(token)")
            }
        }
    }

    private static func revoke(_ arguments: ParsedArguments) async -> Int32 {
        let name = arguments.positionals[0]
        return await CommandRunner.failing {
            let now = Timestamp.iso8601Seconds(Date())
            try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard let index = file.adminTokens.firstIndex(where: { $0.id == name }) else {
                    throw KeysFileError("no admin token \(name)")
                }
                file.adminTokens[index].expiresAt = KeysCommand.earliest(file.adminTokens[index].expiresAt, now)
            }
            CommandOutput.logChange("admin-tokens: revoked \(name)", arguments: arguments)
            print("Admin token \(name) revoked as of \(now).")
        }
    }

    private static func list(_ arguments: ParsedArguments) async -> Int32 {
        await CommandRunner.failing {
            let file = try KeysFileEditor.read(path: arguments.keysPath)
            CommandOutput.printTable(
                header: ["NAME", "CREATED", "STATE"],
                rows: file.adminTokens.map {
                    [$0.id, $0.createdAt ?? "-", KeysCommand.state($0.expiresAt, now: Date())]
                })
        }
    }
}
