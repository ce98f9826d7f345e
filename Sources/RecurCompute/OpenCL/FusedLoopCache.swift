import Logging

/// Remembers what each recurrent loop was recognised as, so that a plan enqueued every training
/// step pays the O(T) recognition once.
///
/// Keyed by a fingerprint — batch, op count and the first two, middle and last two ops — rather
/// than the whole loop, whose hashing and comparison are O(T) as well. The loops come from
/// ``RecurrentSequence``, where every per-step view is computed from the same few tensors that
/// these ops name; two loops that agree on all of them and on the op count are the same loop.
/// The entries hold their tensors' storages, so an address cannot be reused by another buffer
/// while it is cached; the cache is emptied when it grows past `capacity` (plans are rebuilt
/// rarely, so that means a long session with many shapes).
final class FusedLoopCache {
    struct Fingerprint: Hashable {
        var batch: Int
        var count: Int
        var ops: [Op]

        init(_ loop: RecurrentLoop) {
            let steps = loop.steps, n = steps.count
            batch = loop.batch
            count = n
            ops = Set([0, 1, n / 2, n - 2, n - 1].filter { $0 >= 0 && $0 < n }).sorted().map { steps[$0] }
        }
    }

    private var entries: [Fingerprint: Result<FusedRecurrentLoop, LoopPatternMismatch>] = [:]
    let capacity = 256
    /// How many loops were recognised from scratch (tests check a re-enqueued plan hits).
    private(set) var recognitions = 0

    func recognition(of loop: RecurrentLoop) -> Result<FusedRecurrentLoop, LoopPatternMismatch> {
        let key = Fingerprint(loop)
        if let known = entries[key] { return known }
        if entries.count >= capacity { entries.removeAll() }
        let found = FusedRecurrentLoop.recognize(loop)
        recognitions += 1
        if case .failure(let mismatch) = found {
            Logger(label: "recur.opencl").debug("a recurrent loop of \(loop.steps.count) ops runs step by step: \(mismatch)")
        }
        entries[key] = found
        return found
    }
}
