import Synchronization

/// Facts about a request that must reach the answer even when a later stage refuses it: who
/// the caller turned out to be (for the audit record) and headers every answer from some
/// stage onward must carry (the rate-limit headers).
///
/// `RequestContext` is a value passed *down* the chain; an error thrown further down cannot
/// carry the copies made there back up. This small shared record can, and it is typed.
final class RequestTrace: Sendable {
    private struct State {
        var clientID: String?
        var apiKeyID: String?
        var responseHeaders = HTTPHeaders()
    }

    private let state = Mutex(State())

    /// The client and key the request identified itself with (set even when the key turned
    /// out to be expired), or nil.
    var caller: (clientID: String?, apiKeyID: String?) {
        state.withLock { ($0.clientID, $0.apiKeyID) }
    }

    func identify(clientID: String?, apiKeyID: String?) {
        state.withLock {
            $0.clientID = clientID
            $0.apiKeyID = apiKeyID
        }
    }

    /// Headers to add to whatever answer the request gets.
    var responseHeaders: HTTPHeaders { state.withLock { $0.responseHeaders } }

    func setResponseHeader(_ name: String, _ value: String) {
        state.withLock { $0.responseHeaders.set(name, value) }
    }
}
