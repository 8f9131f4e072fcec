/// A task executor that runs each job at once on the thread that enqueues it.
///
/// A request's task starts on the libmicrohttpd worker that received it and runs the CPU-only
/// stages there without a hop to Swift's cooperative pool; when it awaits storage it suspends,
/// and the thread that resumes it (the one that finished the storage work) runs the rest.
/// Measured on 2 cores, each hop to the pool and back cost more than the stages themselves.
/// Nothing on this path blocks for long: reads are short point queries, and commits are
/// awaited by suspending, never by waiting.
final class InlineTaskExecutor: TaskExecutor {
    static let shared = InlineTaskExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }
}
