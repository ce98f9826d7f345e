/// Fills `mask` with inverted-dropout factors: `1 / (1 − rate)` where the Philox-4x32-10 uniform
/// for element `i` is ≥ `rate`, else 0. The bits depend only on (`seed`, `step`, `stream`, `i`)
/// (``Philox``), so the CPU and OpenCL backends draw the same mask and a seeded run repeats.
public struct DropoutMask: OpDescription, Hashable {
    public static let kind = OpKind.dropoutMask
    public var mask: FloatRef
    public var rate: Float
    public var seed: UInt64
    /// The training step (batch counter).
    public var step: UInt64
    /// `[2]` (low, high 32 bits): a step the host uploads each batch, replacing `step`, so a plan
    /// built once draws a fresh mask every step. Nil uses `step`.
    public var stepTensor: IntRef?
    /// Which mask of the model this is (one stream per dropout site).
    public var stream: UInt32

    public init(mask: FloatRef, rate: Float, seed: UInt64, step: UInt64 = 0, stepTensor: IntRef? = nil, stream: UInt32) {
        self.mask = mask; self.rate = rate; self.seed = seed; self.step = step; self.stepTensor = stepTensor; self.stream = stream
    }

    /// The two words a step counter tensor holds.
    public static func stepWords(_ step: UInt64) -> [Int32] {
        [Int32(bitPattern: UInt32(truncatingIfNeeded: step)), Int32(bitPattern: UInt32(truncatingIfNeeded: step >> 32))]
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(mask.count, "mask.count")
        try check.require(rate >= 0 && rate < 1, "rate", "must be in [0, 1), got \(rate)")
        try check.count(stepTensor, is: 2, "stepTensor")
    }
}
