import Logging

/// Remembers what each recurrent loop was recognised as, so that a plan enqueued every training
/// step pays the O(T) recognition once.
///
/// Keyed by the loop's identity (``RecurrentLoop/identity``): a plan's loops keep theirs from
/// step to step. An entry holds its loop's identity, so no other loop's identity can have that
/// address while the entry exists. A recognised loop holds its tensors, so the entries of loops
/// that no longer exist are dropped whenever a new loop is recognised: a finished executor's
/// arena is freed then, not kept until the process ends (they were, under the fingerprint this
/// cache was keyed by before).
final class FusedLoopCache {
    private final class Entry {
        var identity: RecurrentLoop.Identity
        let result: Result<FusedRecurrentLoop, LoopPatternMismatch>
        init(_ identity: RecurrentLoop.Identity, _ result: Result<FusedRecurrentLoop, LoopPatternMismatch>) {
            self.identity = identity; self.result = result
        }
    }

    private var entries: [ObjectIdentifier: Entry] = [:]
    /// How many loops were recognised from scratch (tests check a re-enqueued plan hits).
    private(set) var recognitions = 0
    var count: Int { entries.count }

    func recognition(of loop: RecurrentLoop) -> Result<FusedRecurrentLoop, LoopPatternMismatch> {
        let key = ObjectIdentifier(loop.identity)
        if let known = entries[key] { return known.result }
        entries = entries.filter { !isKnownUniquelyReferenced(&$0.value.identity) }
        let found = FusedRecurrentLoop.recognize(loop)
        recognitions += 1
        if case .failure(let mismatch) = found {
            Logger(label: "recur.opencl").debug("a recurrent loop of \(loop.steps.count) ops runs step by step: \(mismatch)")
        }
        entries[key] = Entry(loop.identity, found)
        return found
    }
}
