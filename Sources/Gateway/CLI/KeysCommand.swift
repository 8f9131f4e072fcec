import Foundation
import Security

/// `gateway keys ...`: partners' API keys and signing secrets in the keys file.
enum KeysCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["keys", "list"], summary: "List clients and the state of their credentials (never a secret).",
            arguments: [], options: [.flag("--json", "one JSON object per client")], run: list),
        CommandSpec(
            path: ["keys", "add"], summary: "Add a client with a new API key and signing secret, printed once.",
            arguments: ["CLIENT"], options: [.flag("--json", "print the new credentials as one JSON object")],
            run: add),
        CommandSpec(
            path: ["keys", "rotate"],
            summary:
                "Issue a new API key and/or signing secret; the old ones keep working until now + grace. "
                + "With neither --api-key nor --secret, both are rotated.",
            arguments: ["CLIENT"],
            options: [
                .flag("--api-key", "rotate the API key"), .flag("--secret", "rotate the signing secret"),
                .value("--grace", "DURATION", "how long the old credential keeps working: 30s, 15m, 24h, 7d, 0 (24h)"),
                .flag("--json", "print what was created as one JSON object"),
            ], run: rotate),
        CommandSpec(
            path: ["keys", "revoke"], summary: "Stop an API key or signing secret now (a running server: within 2 s).",
            arguments: ["CLIENT", "KEY_ID"], options: [], run: revoke),
        CommandSpec(
            path: ["keys", "disable"], summary: "Refuse every request of a client (403 client_disabled).",
            arguments: ["CLIENT"], options: [], run: { await setDisabled($0, true) }),
        CommandSpec(
            path: ["keys", "enable"], summary: "Accept a disabled client's requests again.", arguments: ["CLIENT"],
            options: [], run: { await setDisabled($0, false) }),
        CommandSpec(
            path: ["keys", "remove"], summary: "Delete a client and all its credentials.", arguments: ["CLIENT"],
            options: [], run: remove),
    ]

    private static func list(_ arguments: ParsedArguments) async -> Int32 {
        await CommandRunner.failing {
            let file = try KeysFileEditor.read(path: arguments.keysPath)
            let now = Date()
            if arguments.has("--json") {
                for client in file.clients {
                    CommandOutput.printJSON(
                        .object([
                            ("client_id", .string(client.id)), ("disabled", .bool(client.disabled)),
                            (
                                "rate_limit",
                                client.rateLimit.map {
                                    .object([
                                        ("per_second", .string(String($0.perSecond))),
                                        ("burst", .integer(Int64($0.burst))),
                                    ])
                                } ?? .null
                            ),
                            ("event_types", client.eventTypes.map { .array($0.map(JSONValue.string)) } ?? .null),
                            ("api_keys", .array(client.apiKeys.map { credentialJSON($0.id, $0.expiresAt, now: now) })),
                            (
                                "signing_secrets",
                                .array(client.signingSecrets.map { credentialJSON($0.id, $0.expiresAt, now: now) })
                            ),
                        ]))
                }
                return
            }
            CommandOutput.printTable(
                header: ["CLIENT", "STATE", "RATE", "EVENT TYPES", "API KEYS", "SIGNING SECRETS"],
                rows: file.clients.map { client in
                    [
                        client.id, client.disabled ? "disabled" : "enabled",
                        client.rateLimit.map { "\($0.perSecond)/s burst \($0.burst)" } ?? "default",
                        client.eventTypes?.joined(separator: ",") ?? "all",
                        client.apiKeys.map { "\($0.id) (\(state($0.expiresAt, now: now)))" }.joined(separator: ", "),
                        client.signingSecrets.map { "\($0.id) (\(state($0.expiresAt, now: now)))" }.joined(
                            separator: ", "),
                    ]
                })
        }
    }

    private static func add(_ arguments: ParsedArguments) async -> Int32 {
        let clientID = arguments.positionals[0]
        guard KeysFile.isValidClientID(clientID) else {
            return CommandRunner.usage("client id must be 1-64 characters of [A-Za-z0-9_.-]")
        }
        return await CommandRunner.failing {
            let now = Timestamp.iso8601Seconds(Date())
            let issued = try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard !file.clients.contains(where: { $0.id == clientID }) else {
                    throw KeysFileError(
                        "client \(clientID) already exists; use 'gateway keys rotate' for new credentials")
                }
                let apiKey = NewCredential.apiKey(createdAt: now)
                let secret = NewCredential.signingSecret(createdAt: now)
                file.clients.append(
                    KeysFile.Client(id: clientID, apiKeys: [apiKey.hashed], signingSecrets: [secret.stored]))
                return (apiKey, secret)
            }
            CommandOutput.logChange(
                "keys: added client \(clientID) with api key \(issued.0.id) and signing secret \(issued.1.id)",
                arguments: arguments)
            printIssued(clientID: clientID, apiKey: issued.0, secret: issued.1, json: arguments.has("--json"))
        }
    }

    private static func rotate(_ arguments: ParsedArguments) async -> Int32 {
        let clientID = arguments.positionals[0]
        guard let grace = DurationParser.seconds(arguments["--grace"] ?? "24h") else {
            return CommandRunner.usage("--grace takes a duration such as 30s, 15m, 24h, 7d or 0")
        }
        let rotatesBoth = !arguments.has("--api-key") && !arguments.has("--secret")
        return await CommandRunner.failing {
            let now = Date()
            let created = Timestamp.iso8601Seconds(now)
            let retireAt = Timestamp.iso8601Seconds(now.addingTimeInterval(Double(grace)))
            let issued = try KeysFileEditor.edit(path: arguments.keysPath) { file -> (NewCredential?, NewCredential?) in
                guard let index = file.clients.firstIndex(where: { $0.id == clientID }) else {
                    throw KeysFileError("no client \(clientID)")
                }
                var apiKey: NewCredential?
                var secret: NewCredential?
                if rotatesBoth || arguments.has("--api-key") {
                    retire(&file.clients[index].apiKeys, at: retireAt)
                    let new = NewCredential.apiKey(createdAt: created)
                    file.clients[index].apiKeys.append(new.hashed)
                    apiKey = new
                }
                if rotatesBoth || arguments.has("--secret") {
                    retire(&file.clients[index].signingSecrets, at: retireAt)
                    let new = NewCredential.signingSecret(createdAt: created)
                    file.clients[index].signingSecrets.append(new.stored)
                    secret = new
                }
                return (apiKey, secret)
            }
            let what = [issued.0.map { "api key \($0.id)" }, issued.1.map { "signing secret \($0.id)" }]
                .compactMap { $0 }.joined(separator: " and ")
            CommandOutput.logChange(
                "keys: rotated client \(clientID): new \(what); old ones expire at \(retireAt)", arguments: arguments)
            printIssued(clientID: clientID, apiKey: issued.0, secret: issued.1, json: arguments.has("--json"))
            if !arguments.has("--json") { print("Previous credentials stop working at \(retireAt).") }
        }
    }

    private static func revoke(_ arguments: ParsedArguments) async -> Int32 {
        let (clientID, credentialID) = (arguments.positionals[0], arguments.positionals[1])
        return await CommandRunner.failing {
            let now = Timestamp.iso8601Seconds(Date())
            try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard let index = file.clients.firstIndex(where: { $0.id == clientID }) else {
                    throw KeysFileError("no client \(clientID)")
                }
                if let key = file.clients[index].apiKeys.firstIndex(where: { $0.id == credentialID }) {
                    file.clients[index].apiKeys[key].expiresAt = earliest(
                        file.clients[index].apiKeys[key].expiresAt, now)
                } else if let secret = file.clients[index].signingSecrets.firstIndex(where: { $0.id == credentialID }) {
                    file.clients[index].signingSecrets[secret].expiresAt = earliest(
                        file.clients[index].signingSecrets[secret].expiresAt, now)
                } else {
                    throw KeysFileError("client \(clientID) has no API key or signing secret \(credentialID)")
                }
            }
            CommandOutput.logChange("keys: revoked \(credentialID) of client \(clientID)", arguments: arguments)
            print("Revoked \(credentialID) of \(clientID) as of \(now).")
        }
    }

    private static func setDisabled(_ arguments: ParsedArguments, _ disabled: Bool) async -> Int32 {
        let clientID = arguments.positionals[0]
        return await CommandRunner.failing {
            try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard let index = file.clients.firstIndex(where: { $0.id == clientID }) else {
                    throw KeysFileError("no client \(clientID)")
                }
                file.clients[index].disabled = disabled
            }
            let verb = disabled ? "disabled" : "enabled"
            CommandOutput.logChange("keys: \(verb) client \(clientID)", arguments: arguments)
            print("Client \(clientID) \(verb).")
        }
    }

    private static func remove(_ arguments: ParsedArguments) async -> Int32 {
        let clientID = arguments.positionals[0]
        return await CommandRunner.failing {
            try KeysFileEditor.edit(path: arguments.keysPath) { file in
                guard file.clients.contains(where: { $0.id == clientID }) else {
                    throw KeysFileError("no client \(clientID)")
                }
                file.clients.removeAll { $0.id == clientID }
            }
            CommandOutput.logChange("keys: removed client \(clientID)", arguments: arguments)
            print("Client \(clientID) removed.")
        }
    }

    private static func printIssued(clientID: String, apiKey: NewCredential?, secret: NewCredential?, json: Bool) {
        if json {
            var members: [(String, JSONValue)] = [("client_id", .string(clientID))]
            if let apiKey { members += [("api_key", .string(apiKey.value)), ("api_key_id", .string(apiKey.id))] }
            if let secret {
                members += [("signing_secret", .string(secret.value)), ("signing_secret_id", .string(secret.id))]
            }
            CommandOutput.printJSON(.object(members))
            return
        }
        print("Client: \(clientID)")
        if let apiKey { print("API key (\(apiKey.id)), shown once: \(apiKey.value)") }
        if let secret { print("Signing secret (\(secret.id)), shown once: \(secret.value)") }
    }

    /// Makes every credential in `credentials` expire at `instant` at the latest.
    static func retire<Credential: ExpiringCredential>(_ credentials: inout [Credential], at instant: String) {
        for index in credentials.indices {
            credentials[index].expiresAt = earliest(credentials[index].expiresAt, instant)
        }
    }

    /// The earlier of an existing expiry and `candidate` (both UTC ISO 8601 with seconds).
    static func earliest(_ existing: String?, _ candidate: String) -> String {
        guard let existing, let current = ISO8601DateTime(existing), let proposed = ISO8601DateTime(candidate) else {
            return candidate
        }
        return current.millisecondsSince1970 <= proposed.millisecondsSince1970 ? existing : candidate
    }

    static func state(_ expiresAt: String?, now: Date) -> String {
        guard let expiresAt else { return "active" }
        guard let instant = ISO8601DateTime(expiresAt) else { return "invalid expiry" }
        return Double(instant.millisecondsSince1970) / 1000 > now.timeIntervalSince1970
            ? "active until \(expiresAt)" : "expired \(expiresAt)"
    }

    static func credentialJSON(_ id: String, _ expiresAt: String?, now: Date) -> JSONValue {
        .object([
            ("id", .string(id)), ("expires_at", .optional(expiresAt)),
            ("active", .bool(state(expiresAt, now: now).hasPrefix("active"))),
        ])
    }
}

/// A credential just generated: its secret value (printed once) and what the file keeps.
struct NewCredential {
    let id: String
    let value: String
    let createdAt: String

    static func apiKey(createdAt: String) -> NewCredential {
        NewCredential(
            id: CredentialGenerator.identifier(prefix: "key"), value: CredentialGenerator.apiKey(), createdAt: createdAt
        )
    }

    static func signingSecret(createdAt: String) -> NewCredential {
        NewCredential(
            id: CredentialGenerator.identifier(prefix: "sec"), value: SigningSecret.generate(), createdAt: createdAt)
    }

    /// The file's record of an API key or admin token: only its SHA-256.
    var hashed: KeysFile.HashedCredential {
        KeysFile.HashedCredential(id: id, sha256: SHA256.hexDigest(value), createdAt: createdAt)
    }

    /// The file's record of a signing secret (the server needs the secret itself).
    var stored: KeysFile.StoredSigningSecret {
        KeysFile.StoredSigningSecret(id: id, secret: value, createdAt: createdAt)
    }
}
