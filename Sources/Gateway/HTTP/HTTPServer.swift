import CMicroHTTPD
import Foundation
import Synchronization

/// The HTTP/1.1 server: libmicrohttpd underneath, `Request`/`Response` values above.
///
/// This is the only file that calls libmicrohttpd. Each request's headers and body are
/// collected on MHD's threads; then the connection is suspended and the responder starts as a
/// Swift task on that same thread (`InlineTaskExecutor`). It runs the CPU stages and short point
/// reads there and suspends while its commit is pending, so no MHD thread waits for a commit.
/// When the response is ready the connection is resumed and MHD sends it.
final class HTTPServer: Sendable {
    /// Listening and resource settings.
    struct Configuration: Sendable {
        var host: String
        var port: Int
        var maximumBodyBytes: Int
        /// MHD worker threads; a small pool is enough because no thread waits for a commit.
        var threadPoolSize = 2
        /// Connections held at once; more are refused at accept.
        var connectionLimit = 2_000
        /// Seconds of inactivity after which MHD closes a connection (its default is never).
        var connectionTimeoutSeconds = 30
        /// Bytes MHD may use per connection for the request line, headers and buffers (MHD's
        /// default). MHD clears this pool for every request, so more costs time on each one.
        var connectionMemoryLimit = 32 * 1024
        /// Seconds a request body may take to arrive in full. MHD's timeout only measures
        /// silence, so a client trickling a byte at a time would otherwise hold the connection
        /// for ever; past this the connection is closed.
        var bodyDeadlineSeconds = 60.0
    }

    typealias Responder = @Sendable (Request) async -> Response

    private let core: ServerCore
    private let daemon: DaemonHandle
    /// The port actually bound (useful when configured with port 0).
    let port: Int

    /// Binds and starts serving; throws `HTTPServerError` when the address cannot be used.
    init(configuration: Configuration, responder: @escaping Responder) throws {
        core = ServerCore(
            responder: responder, maximumBodyBytes: configuration.maximumBodyBytes,
            bodyDeadlineSeconds: configuration.bodyDeadlineSeconds)
        var flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ERROR_LOG.rawValue
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        let coreReference = Unmanaged.passRetained(core).toOpaque()
        let started: OpaquePointer? = address.withSockaddr { sockaddrPointer in
            let settings = gateway_daemon_settings(
                flags: flags, address: sockaddrPointer, thread_pool_size: UInt32(configuration.threadPoolSize),
                connection_limit: UInt32(configuration.connectionLimit),
                connection_timeout_seconds: UInt32(configuration.connectionTimeoutSeconds), listen_backlog: 1024,
                connection_memory_limit: configuration.connectionMemoryLimit)
            return gateway_start_daemon(settings, accessHandler, coreReference, requestCompleted, coreReference)
        }
        guard let started else {
            Unmanaged<ServerCore>.fromOpaque(coreReference).release()
            throw HTTPServerError.cannotListen(host: configuration.host, port: configuration.port)
        }
        daemon = DaemonHandle(pointer: started, coreReference: coreReference)
        port = Int(gateway_daemon_port(started))
    }

    /// Stops accepting connections, waits until every request already received has been
    /// answered (at most `timeout`), then stops the daemon.
    ///
    /// `MHD_stop_daemon` aborts the process if a connection is still suspended, so it is only
    /// called once no request is in flight.
    func shutdown(timeout: Duration = .seconds(30)) async {
        guard daemon.beginStopping() else { return }
        core.isDraining.store(true, ordering: .sequentiallyConsistent)
        // "MHD_quiesce_daemon: stop accepting connections from the listening socket".
        _ = MHD_quiesce_daemon(daemon.pointer)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while core.activeRequests.load(ordering: .sequentiallyConsistent) > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard core.suspendedRequests.load(ordering: .sequentiallyConsistent) == 0 else { return }
        MHD_stop_daemon(daemon.pointer)
        Unmanaged<ServerCore>.fromOpaque(daemon.coreReference).release()
    }

    /// Requests received and not yet fully answered.
    var activeRequestCount: Int { core.activeRequests.load(ordering: .relaxed) }
}

/// Why the server could not start.
enum HTTPServerError: Error, CustomStringConvertible {
    case invalidHost(String)
    case cannotListen(host: String, port: Int)

    var description: String {
        switch self {
        case .invalidHost(let host): "WEBHOOK_HOST is not a numeric IPv4 or IPv6 address: \(host)"
        case .cannotListen(let host, let port): "cannot listen on \(host):\(port) (address in use or not permitted)"
        }
    }
}

/// The daemon pointer, shared across threads.
private final class DaemonHandle: @unchecked Sendable {
    // Safe: MHD's daemon functions used here may be called from any thread; `stopping`
    // guards the one-time stop.
    let pointer: OpaquePointer
    let coreReference: UnsafeMutableRawPointer
    private let stopping = Atomic<Bool>(false)

    init(pointer: OpaquePointer, coreReference: UnsafeMutableRawPointer) {
        self.pointer = pointer
        self.coreReference = coreReference
    }

    /// True exactly once: for the caller that should perform the stop.
    func beginStopping() -> Bool {
        !stopping.exchange(true, ordering: .sequentiallyConsistent)
    }
}

/// State shared by every MHD callback, passed to them through `cls`.
private final class ServerCore: Sendable {
    let responder: HTTPServer.Responder
    let maximumBodyBytes: Int
    let bodyDeadlineSeconds: Double
    let isDraining = Atomic<Bool>(false)
    /// Requests handed to the responder whose answers MHD has not finished sending.
    let activeRequests = Atomic<Int>(0)
    /// Connections currently suspended while their request is processed.
    let suspendedRequests = Atomic<Int>(0)

    init(responder: @escaping HTTPServer.Responder, maximumBodyBytes: Int, bodyDeadlineSeconds: Double) {
        self.responder = responder
        self.maximumBodyBytes = maximumBodyBytes
        self.bodyDeadlineSeconds = bodyDeadlineSeconds
    }
}

/// A connection pointer handed to the task that resumes it.
private struct ConnectionHandle: @unchecked Sendable {
    // Safe: a suspended connection stays valid until resumed, and MHD_resume_connection may be
    // called from any thread when the daemon runs with MHD_ALLOW_SUSPEND_RESUME.
    let pointer: OpaquePointer
}

/// One request being received, processed and answered; owned through `*req_cls`.
private final class PendingRequest: @unchecked Sendable {
    // Safe: the receiving fields are touched only by MHD's callbacks, which MHD never runs
    // concurrently for one connection; `response` crosses threads under its lock.
    var method: String
    var path: String
    var query: [(name: String, value: String)]
    var headers: HTTPHeaders
    var remoteAddress: String
    var body: [UInt8] = []
    var bodyExceededLimit = false
    var discardedBytes = 0
    var framingViolation: String?
    var isDispatched = false
    /// When the headers were complete; the body must arrive within the deadline after it.
    let startedAt = ContinuousClock.now
    let response = Mutex<Response?>(nil)

    init(
        method: String, path: String, query: [(name: String, value: String)], headers: HTTPHeaders,
        remoteAddress: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    func makeRequest() -> Request {
        var request = Request(
            method: method, path: path, query: query, headers: headers, body: body, remoteAddress: remoteAddress)
        request.bodyExceededLimit = bodyExceededLimit
        request.framingViolation = framingViolation
        return request
    }
}

/// How much of an oversized body is read and thrown away before the connection is simply
/// dropped: enough for a 413 to reach an honest client, bounded for one that never stops.
private let discardAllowance = 1 << 20

private let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, requestState in
    guard let cls, let connection, let requestState, let uploadDataSize else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()

    guard let existing = requestState.pointee else {
        // First call: the request line and headers are complete, no body has been read.
        let pending = PendingRequest(
            method: method.map { String(cString: $0) } ?? "GET", path: url.map { String(cString: $0) } ?? "/",
            query: connectionValues(connection, kind: .GET_ARGUMENT_KIND),
            headers: HTTPHeaders(connectionValues(connection, kind: .HEADER_KIND)),
            remoteAddress: clientAddress(connection))
        pending.framingViolation = framingViolation(in: pending.headers)
        if let length = pending.headers["Content-Length"].flatMap(Int.init), length > core.maximumBodyBytes {
            pending.bodyExceededLimit = true
        }
        requestState.pointee = Unmanaged.passRetained(pending).toOpaque()
        // Refuse before reading the body when the headers already decide the answer; MHD then
        // closes the connection instead of reading the unread body.
        if pending.bodyExceededLimit || pending.framingViolation != nil {
            return dispatch(pending, connection: connection, core: core)
        }
        return .YES
    }

    let pending = Unmanaged<PendingRequest>.fromOpaque(existing).takeUnretainedValue()
    if let response = pending.response.withLock({ $0.take() }) {
        return queue(response, on: connection, draining: core.isDraining.load(ordering: .relaxed))
    }
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        if ContinuousClock.now - pending.startedAt > .seconds(core.bodyDeadlineSeconds) {
            return .NO  // closes the connection: the body is arriving too slowly
        }
        if pending.isDispatched || pending.bodyExceededLimit {
            pending.discardedBytes += size
            if pending.discardedBytes > discardAllowance { return .NO }
        } else if pending.body.count + size > core.maximumBodyBytes {
            // Chunked or understated body: stop keeping it, answer 413 at the end.
            pending.bodyExceededLimit = true
            pending.body = []
        } else if let uploadData {
            pending.body.append(
                contentsOf: UnsafeRawBufferPointer(start: uploadData, count: size).bindMemory(to: UInt8.self))
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    if pending.isDispatched { return .YES }
    return dispatch(pending, connection: connection, core: core)
}

/// Suspends the connection and runs the responder; the task resumes the connection when the
/// response is ready, and MHD calls the access handler again to send it.
private func dispatch(_ pending: PendingRequest, connection: OpaquePointer, core: ServerCore) -> MHD_Result {
    pending.isDispatched = true
    core.activeRequests.add(1, ordering: .sequentiallyConsistent)
    core.suspendedRequests.add(1, ordering: .sequentiallyConsistent)
    MHD_suspend_connection(connection)
    let request = pending.makeRequest()
    let handle = ConnectionHandle(pointer: connection)
    Task(executorPreference: InlineTaskExecutor.shared) {
        let response = await core.responder(request)
        pending.response.withLock { $0 = response }
        core.suspendedRequests.subtract(1, ordering: .sequentiallyConsistent)
        MHD_resume_connection(handle.pointer)
    }
    return .YES
}

private func queue(_ response: Response, on connection: OpaquePointer, draining: Bool) -> MHD_Result {
    let mhdResponse = response.body.withUnsafeBytes { bytes in
        // MUST_COPY: the Swift array's storage does not outlive this call.
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let mhdResponse else { return .NO }
    defer { MHD_destroy_response(mhdResponse) }
    for (name, value) in response.headers.fields {
        // Header values come from our own code; a value MHD rejects (e.g. with a newline) is
        // dropped rather than sent.
        _ = MHD_add_response_header(mhdResponse, name, value)
    }
    if response.closesConnection || draining {
        _ = MHD_add_response_header(mhdResponse, "Connection", "close")
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, _, requestState, _ in
    guard let cls, let requestState, let existing = requestState.pointee else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let pending = Unmanaged<PendingRequest>.fromOpaque(existing)
    if pending.takeUnretainedValue().isDispatched {
        core.activeRequests.subtract(1, ordering: .sequentiallyConsistent)
    }
    pending.release()
    requestState.pointee = nil
}

/// Several Content-Length fields, or Content-Length with Transfer-Encoding, make the body's
/// end ambiguous (request smuggling); libmicrohttpd 0.9.75 accepts both, so we refuse them.
private func framingViolation(in headers: HTTPHeaders) -> String? {
    let lengths = headers.values(for: "Content-Length")
    if lengths.count > 1 { return "more than one Content-Length header" }
    if !lengths.isEmpty, !headers.values(for: "Transfer-Encoding").isEmpty {
        return "Content-Length together with Transfer-Encoding"
    }
    return nil
}

/// Collects one kind of connection value (headers or query arguments) in arrival order.
private func connectionValues(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
    final class Collector {
        var values: [(name: String, value: String)] = []
    }
    let collector = Collector()
    _ = MHD_get_connection_values_n(
        connection, kind,
        { cls, _, key, keySize, value, valueSize in
            guard let cls, let key else { return .YES }
            let collector = Unmanaged<Collector>.fromOpaque(cls).takeUnretainedValue()
            let name = String(decoding: UnsafeRawBufferPointer(start: key, count: keySize), as: UTF8.self)
            let text =
                value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueSize), as: UTF8.self) } ?? ""
            collector.values.append((name, text))
            return .YES
        }, Unmanaged.passUnretained(collector).toOpaque())
    return withExtendedLifetime(collector) { collector.values }
}

private func clientAddress(_ connection: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    guard gateway_connection_client_address(connection, &buffer, socklen_t(buffer.count)) == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A numeric IPv4 or IPv6 listening address.
private struct SocketAddress {
    private var storage = sockaddr_storage()
    let isIPv6: Bool

    init(host: String, port: Int) throws {
        guard (0...65535).contains(port) else { throw HTTPServerError.cannotListen(host: host, port: port) }
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            isIPv6 = false
            withUnsafeBytes(of: v4) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
        } else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            isIPv6 = true
            withUnsafeBytes(of: v6) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
        } else {
            throw HTTPServerError.invalidHost(host)
        }
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
        withUnsafeBytes(of: storage) { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self)) }
    }
}
