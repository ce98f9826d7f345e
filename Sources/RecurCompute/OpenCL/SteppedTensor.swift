/// A view that a recurrent loop uses once per step at evenly spaced offsets: step `s` (in
/// execution order) is `first` moved by `s · stride` elements, or by `(s mod 2) · stride` when
/// the view alternates between two places (a forward-only sequence's state history: the steps
/// write two rows in turn). The stride is negative for a direction that runs back in time
/// (`go_backwards`, Bidirectional's second half) or whose second row lies before its first.
struct SteppedTensor: Hashable {
    var first: FloatRef
    var stride: Int
    /// 0: the views progress; 2: they alternate (`s mod 2`).
    var period: Int

    /// Nil unless every view lies in the same storage with the same size and the offsets either
    /// form an arithmetic progression or alternate between two offsets, and the views do not
    /// partly overlap. (A persistent kernel has no global barrier between steps, so step s+1 must
    /// not touch another work-item's elements of step s; equal views, stride 0, are fine: each
    /// element keeps its one owner.)
    init?(_ views: [FloatRef]) {
        guard let first = views.first else { return nil }
        let stride = views.count > 1 ? views[1].offset - first.offset : 0
        guard stride == 0 || abs(stride) >= first.count else { return nil }
        guard let period = [0, 2].first(where: { Self.lays(views, from: first, stride: stride, period: $0) }) else { return nil }
        self.first = first
        self.stride = stride
        self.period = period
    }

    private static func lays(_ views: [FloatRef], from first: FloatRef, stride: Int, period: Int) -> Bool {
        if period != 0 && stride == 0 { return false }
        for (step, view) in views.enumerated() {
            let s = period == 0 ? step : step % period
            if view.storage !== first.storage || view.count != first.count || view.offset != first.offset + s * stride { return false }
        }
        return true
    }

    /// The view of step `s`.
    func view(_ s: Int) -> FloatRef {
        let offset = first.offset + (period == 0 ? s : s % period) * stride
        return FloatRef(storage: first.storage, offset: offset, count: first.count)
    }

    /// All absent (nil), or all present and stepped; `.failure` when only some steps have one or
    /// the offsets do not progress evenly.
    static func optional(_ views: [FloatRef?]) -> Result<SteppedTensor?, LoopPatternMismatch> {
        if views.allSatisfy({ $0 == nil }) { return .success(nil) }
        let present = views.compactMap { $0 }
        guard present.count == views.count else { return .failure(LoopPatternMismatch("a tensor is given at some steps only")) }
        guard let stepped = SteppedTensor(present) else { return .failure(LoopPatternMismatch("per-step offsets are not evenly spaced")) }
        return .success(stepped)
    }
}

/// Why a recurrent loop does not take the fused path (it then runs step by step).
struct LoopPatternMismatch: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TensorRef {
    /// Same storage and first element (sizes may differ: a GEMM's operand view can be longer
    /// than the rows it reads).
    func startsAt<Other>(_ other: TensorRef<Other>) -> Bool { storage === other.storage && offset == other.offset }
}
