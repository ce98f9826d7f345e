/// How a `Bidirectional` layer combines its forward and backward outputs (Keras `merge_mode`).
///
/// Keras also accepts `None` (return both outputs as a list); a sequential model cannot pass a
/// list on, so it is not representable here.
public enum MergeMode: String, Hashable, Sendable, Codable, CaseIterable {
    case concat, sum, ave, mul
}

/// The ops that merge two time-aligned direction outputs of `rows` rows × `width` units
/// (rows = T·B for sequences, B for last states) and split the merged gradient back.
public struct BidirectionalMerge: Sendable {
    public let mode: MergeMode
    public let rows: Int
    public let width: Int

    public init(_ mode: MergeMode, rows: Int, width: Int) {
        self.mode = mode; self.rows = rows; self.width = width
    }

    /// `[rows, 2·width]` for concat, `[rows, width]` otherwise.
    public var outputWidth: Int { mode == .concat ? 2 * width : width }

    public func forward(forward f: FloatRef, backward b: FloatRef, output: FloatRef) -> [Op] {
        switch mode {
        case .concat:
            return [.copy2D(Copy2D(rows: rows, columns: width, source: f, destination: output, destinationStride: 2 * width)),
                    .copy2D(Copy2D(rows: rows, columns: width, source: b, destination: output.slice(width, output.count - width),
                                   destinationStride: 2 * width))]
        case .sum:
            return [.copy2D(Copy2D(f, to: output)), .axpby(Axpby(alpha: 1, x: b, beta: 1, y: output))]
        case .ave:
            return [.copy2D(Copy2D(f, to: output)), .axpby(Axpby(alpha: 0.5, x: b, beta: 0.5, y: output))]
        case .mul:
            return [.multiply(Multiply(f, b, output: output))]
        }
    }

    /// Splits `outputGradient` into each direction's output gradient. `sum` needs no op (both
    /// directions read the merged gradient as is, see ``gradientIsShared``).
    public func backward(outputGradient g: FloatRef, forward f: FloatRef, backward b: FloatRef,
                         forwardGradient df: FloatRef, backwardGradient db: FloatRef) -> [Op] {
        switch mode {
        case .concat:
            return [.copy2D(Copy2D(rows: rows, columns: width, source: g, sourceStride: 2 * width, destination: df)),
                    .copy2D(Copy2D(rows: rows, columns: width, source: g.slice(width, g.count - width), sourceStride: 2 * width,
                                   destination: db))]
        case .sum:
            return []
        case .ave:
            return [.axpby(Axpby(alpha: 0.5, x: g, beta: 0, y: df))]
        case .mul:
            return [.multiply(Multiply(g, b, output: df)), .multiply(Multiply(g, f, output: db))]
        }
    }

    /// For `sum` both directions take the merged gradient itself; for `ave` both take the one
    /// halved copy written to `forwardGradient`.
    public var gradientIsShared: Bool { mode == .sum || mode == .ave }
}
