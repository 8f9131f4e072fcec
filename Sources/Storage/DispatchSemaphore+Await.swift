import Dispatch

extension DispatchSemaphore {
    /// Waits for the semaphore from async code without blocking a cooperative-pool thread (the
    /// wait runs on a Dispatch worker), then signals it again so that every later waiter, and
    /// a repeated shutdown, returns at once too.
    func waitForSignal() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [self] in
                wait()
                signal()
                continuation.resume()
            }
        }
    }
}
