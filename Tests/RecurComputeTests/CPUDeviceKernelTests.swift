import XCTest
import RecurKernels
@testable import RecurCompute

/// The chunked kernels a CPU OpenCL device (PoCL) runs in place of a work-item per element —
/// `optimizer_update_rows`, `sum_rows_partial`, `fill_rows`, `embedding_gather_rows`,
/// `embedding_gradient_rows`, and elementwise.cl's copies, products and `axpby` — are reached by
/// the catalog's shapes that take them (large tensors; embedding widths that are multiples of 4):
/// breaking one fails the comparison there, while the other shapes, on the per-element kernels,
/// still pass.
final class CPUDeviceKernelTests: XCTestCase {
    func testBrokenChunkedKernelsAreCaught() throws {
        // (program, the line broken, checks of that kernel, the large shape that reaches it, a small one that does not)
        let sabotages: [(family: String, original: String, checks: [KernelCheck], large: String, small: String)] = [
            ("optimizer", "        vstore8(wv, 0, w + i);", KernelCatalog.optimizers().filter { $0.name.hasPrefix("optimizer") },
             "n=12293", "n=1031"),
            ("reduce", "            a3 += vload8(0, x + (r + 3) * cols + c);", KernelCatalog.reductions().filter { $0.name.hasPrefix("sum rows") },
             "rows=4099 cols=32", "rows=1031 cols=3"),
            ("elementwise", "    for (; i < last; ++i) x[i] = value;", KernelCatalog.elementwise().filter { $0.name == "fill" },
             "n=16,389 at offset 3 of 16,400", "n=1031"),
            ("embedding", "            for (int j = 0; j < E; j += 4) vstore4(vload4(0, source + j), 0, o + j);",
             KernelCatalog.embedding().filter { $0.name == "embedding gather" }, "B=4 T=9 V=50 E=32", "B=4 T=9 V=50 E=33"),
            // E = 32: the 32-column pass on either lane width (the eight-vector pass is wider).
            ("embedding", "            vstore_lanes(a0, 0, out + j); vstore_lanes(a1, 1, out + j);\n", KernelCatalog.embedding().filter { $0.name == "embedding gradient" },
             "B=4 T=9 V=50 E=32", "B=4 T=9 V=50 E=33"),
            ("elementwise", "    for (; i < last; ++i) dst[i] = src[i];", KernelCatalog.elementwise().filter { $0.name == "copy" },
             "n=12293", "n=1031"),
            ("elementwise", "        for (; c < cols; ++c) to[c] = from[c];", KernelCatalog.elementwise().filter { $0.name == "copy2D" },
             "rows=300 cols=33 strides=66/33 offsets=0/0", "rows=33 cols=40 strides=80/40 offsets=40/0"),
            ("elementwise", "    for (; i < last; ++i) y[i] = a[i] * b[i];", KernelCatalog.elementwise().filter { $0.name == "multiply" },
             "n=12293", "n=1031"),
            ("elementwise", "        for (; i < n; ++i) out[i] = in[i] * f[i];",
             KernelCatalog.elementwise().filter { $0.name == "multiply broadcast" }, "repeats=300 n=33", "repeats=40 n=33"),
            ("elementwise", "    for (; i < last; ++i) y[i] = alpha * x[i] + beta * y[i];",
             KernelCatalog.elementwise().filter { $0.name.hasPrefix("axpby") }, "n=12293", "n=1031"),
        ]
        for sabotage in sabotages {
            let source = try XCTUnwrap(KernelSources.programs[sabotage.family])
            let broken = source.replacingOccurrences(of: sabotage.original, with: "")
            XCTAssertNotEqual(broken, source, "the sabotage of \(sabotage.family).cl no longer applies; update this test")
            let backend = try OpenCLBackend(entry: firstOpenCLDevice(), cache: nil, sourceOverrides: [sabotage.family: broken])
            guard !backend.limits.isGPU else { throw XCTSkip("the chunked kernels run on CPU devices only") }
            let verifier = KernelVerifier()
            let large = sabotage.checks.filter { $0.shape == sabotage.large }, small = sabotage.checks.filter { $0.shape == sabotage.small }
            XCTAssertFalse(large.isEmpty || small.isEmpty, "the catalog no longer has \(sabotage.large) and \(sabotage.small)")
            for check in large {
                XCTAssertFalse(verifier.run(check, on: backend).passed, "\(check.name) \(check.shape) did not reach the broken chunked kernel")
            }
            for check in small {
                XCTAssertTrue(verifier.run(check, on: backend).passed, "\(check.name) \(check.shape) runs the per-element kernel and should pass")
            }
        }
    }
}
