import CVectorMath
import Foundation
import Synchronization

/// The CPU backend's worker threads: `perform(iterations:)` runs a body once per index on the
/// calling thread and the workers, and returns when every index has run.
///
/// It replaces `DispatchQueue.concurrentPerform`, whose worker woke 20–50 µs after each call on
/// the development machine: two halves of 21 µs of work took 71 µs (median) against 42 µs on one
/// thread, and every parallel op of a step paid it (a step has dozens). Here an idle worker spins
/// for a short while before it sleeps, so the ops of a step, which follow each other within
/// microseconds, find it awake: the same two halves take 21.5 µs. A worker that found no work
/// for ``spinNanoseconds`` sleeps on a condition variable, so an idle backend costs no CPU.
final class WorkerPool: @unchecked Sendable {
    /// How long an idle worker keeps polling for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    let threads: Int
    /// Bumped once per job (and to a negative value to stop the workers).
    private let generation = Atomic<Int>(0)
    private let nextIndex = Atomic<Int>(0)
    private let finishedWorkers = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// Set while a job runs: a `perform` from inside a job (nested) runs its indices serially.
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    // Written by the caller before `generation` is bumped (release) and read by the workers after
    // they see the bump (acquire); cleared once every worker has finished with it.
    private var job: ((Int) -> Void)?
    private var iterations = 0
    private var workers: [Thread] = []

    /// `threads` participants: the caller and `threads − 1` workers.
    init(threads: Int) {
        self.threads = Swift.max(1, threads)
        for worker in 1..<self.threads {
            let thread = Thread { [self] in run() }
            thread.name = "recur-cpu-\(worker)"
            workers.append(thread)
            thread.start()
        }
    }

    /// Stops the workers; call before the pool is released (the threads hold it).
    func stop() {
        generation.store(-1, ordering: .sequentiallyConsistent)
        wake.lock(); wake.broadcast(); wake.unlock()
    }

    /// Runs `body(i)` for every `i` in `0..<iterations`, spread over the caller and the workers.
    func perform(iterations count: Int, _ body: (Int) -> Void) {
        if count <= 1 || threads == 1 || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for index in 0..<count { body(index) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = body
            iterations = count
            nextIndex.store(0, ordering: .relaxed)
            finishedWorkers.store(0, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 { wake.lock(); wake.broadcast(); wake.unlock() }
            takeIndices(body, count)
            while finishedWorkers.load(ordering: .acquiring) < threads - 1 { spinPause() }
            job = nil
        }
    }

    private func takeIndices(_ body: (Int) -> Void, _ count: Int) {
        while true {
            let index = nextIndex.add(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            body(index)
        }
    }

    private func run() {
        var seen = 0
        while true {
            let current = waitForJob(after: seen)
            if current < 0 { return }
            seen = current
            runJob()
            finishedWorkers.add(1, ordering: .releasing)
        }
    }

    /// The job's indices, in a frame of its own so that the worker's reference to the body is
    /// released before it reports that it has finished.
    @inline(never)
    private func runJob() {
        guard let body = job else { return }
        takeIndices(body, iterations)
    }

    /// The next generation after `seen`: spins for ``spinNanoseconds``, then sleeps.
    private func waitForJob(after seen: Int) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let current = generation.load(ordering: .acquiring)
            if current != seen { return current }
            spinPause()
            polls += 1
            if polls % 256 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
        }
        wake.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        var current = generation.load(ordering: .sequentiallyConsistent)
        while current == seen {
            wake.wait()
            current = generation.load(ordering: .sequentiallyConsistent)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        wake.unlock()
        return current
    }

    @inline(__always)
    private func spinPause() {
        #if arch(x86_64)
        recur_spin_pause()
        #endif
    }
}
