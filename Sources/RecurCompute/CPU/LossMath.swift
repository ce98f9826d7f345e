import Glibc

/// Per-row cross-entropy math shared by the CPU backend's loss and accuracy ops.
enum LossMath {
    static let epsilon: Float = 1e-7

    /// Loss and d(loss)/d(prediction) for one binary output.
    @inline(__always)
    static func binaryCrossEntropy(_ p: Float, label y: Float, input: LossInput) -> (Float, Float) {
        switch input {
        case .logits:
            // max(z, 0) − z·y + log(1 + e^−|z|): exact for any z, no overflow.
            let loss = Swift.max(p, 0) - p * y + log1pf(expf(-abs(p)))
            let sigma = p >= 0 ? 1 / (1 + expf(-p)) : expf(p) / (1 + expf(p))
            return (loss, sigma - y)
        case .probabilities:
            let q = Swift.min(Swift.max(p, epsilon), 1 - epsilon)
            let loss = -(y * logf(q) + (1 - y) * logf(1 - q))
            let inside = p > epsilon && p < 1 - epsilon
            return (loss, inside ? (q - y) / (q * (1 - q)) : 0)
        }
    }

    /// Loss of one row of `classes` predictions against label weights `label(k)`; writes
    /// `scale · d(loss)/d(prediction)` into `gradient` when given.
    @inline(__always)
    static func categoricalCrossEntropy(_ p: UnsafeMutablePointer<Float>, classes c: Int, label: (Int) -> Float,
                                        input: LossInput, gradient: UnsafeMutablePointer<Float>?, scale: Float) -> Float {
        var labelSum: Float = 0
        for k in 0..<c { labelSum += label(k) }
        switch input {
        case .logits:
            var maximum = -Float.infinity
            for k in 0..<c { maximum = Swift.max(maximum, p[k]) }
            var sum: Float = 0
            for k in 0..<c { sum += expf(p[k] - maximum) }
            let logSumExp = maximum + logf(sum)
            var loss: Float = 0
            for k in 0..<c {
                let y = label(k)
                loss += y * (logSumExp - p[k])
                gradient?[k] = scale * (expf(p[k] - logSumExp) * labelSum - y)
            }
            return loss
        case .probabilities:
            var total: Float = 0
            for k in 0..<c { total += p[k] }
            // Keras clips q = p / total to [ε, 1 − ε]; the clip passes no gradient outside it, so
            // only the labels of unclipped classes enter (else p = 0 with y > 0 gives −∞).
            let inside = { (k: Int) -> Bool in p[k] / total > epsilon && p[k] / total < 1 - epsilon }
            var insideLabelSum: Float = 0
            for k in 0..<c where inside(k) { insideLabelSum += label(k) }
            var loss: Float = 0
            for k in 0..<c {
                let y = label(k)
                let q = Swift.min(Swift.max(p[k] / total, epsilon), 1 - epsilon)
                loss -= y * logf(q)
                gradient?[k] = scale * (insideLabelSum / total - (y != 0 && inside(k) ? y / p[k] : 0))
            }
            return loss
        }
    }

    /// Index of the first largest value.
    @inline(__always)
    static func argmax(_ p: UnsafeMutablePointer<Float>, _ c: Int) -> Int {
        var best = 0
        for k in 1..<c where p[k] > p[best] { best = k }
        return best
    }
}
