import Logging

/// What each recurrent loop was recognised as (``LoopCache``), so that a plan enqueued every
/// training step pays the O(T) recognition once, and a loop that runs step by step is logged
/// once, with the reason.
final class FusedLoopCache {
    private var cache = LoopCache<Result<FusedRecurrentLoop, LoopPatternMismatch>>()
    /// How many loops were recognised from scratch (tests check a re-enqueued plan hits).
    var recognitions: Int { cache.derivations }
    var count: Int { cache.count }

    func recognition(of loop: RecurrentLoop) -> Result<FusedRecurrentLoop, LoopPatternMismatch> {
        cache.value(for: loop) { loop in
            let found = FusedRecurrentLoop.recognize(loop)
            if case .failure(let mismatch) = found {
                Logger(label: "recur.opencl").debug("a recurrent loop of \(loop.steps.count) ops runs step by step: \(mismatch)")
            }
            return found
        }
    }
}
