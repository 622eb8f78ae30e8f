import Dispatch

/// Runs work items one after another, in the order submitted, on a background thread, with at
/// most one item queued or running: `submit` waits until the previous item is done, so a
/// producer faster than the work is held back instead of piling up memory.
///
/// The caller hands over what an item touches until `finish()` returns (the fetch stage gives the
/// writer its batch and the summary being counted, and reads the summary only after `finish()`).
final class OrderedWorker {
    private let queue: DispatchQueue
    private let idle = DispatchSemaphore(value: 1)

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Waits for the item before, then starts `work` on the worker thread and returns.
    func submit(_ work: @escaping () -> Void) {
        idle.wait()
        queue.async {
            work()
            self.idle.signal()
        }
    }

    /// Waits until every submitted item has run.
    func finish() {
        queue.sync {}
    }
}
