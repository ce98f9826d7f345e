/// The OpenCL C programs, by family. `common.cl` and `philox.cl` are shared preludes that every
/// program is compiled with.
public enum KernelSources {
    public static let prelude: String = text(PackageResources.common_cl) + "\n" + text(PackageResources.philox_cl)

    /// Every program family: name → source (without the prelude).
    public static let programs: [String: String] = [
        "simple_rnn": text(PackageResources.simple_rnn_cl),
        "lstm": text(PackageResources.lstm_cl),
        "gru": text(PackageResources.gru_cl),
        "embedding": text(PackageResources.embedding_cl),
        "elementwise": text(PackageResources.elementwise_cl),
        "loss": text(PackageResources.loss_cl),
        "optimizer": text(PackageResources.optimizer_cl),
        "dropout": text(PackageResources.dropout_cl),
        "reduce": text(PackageResources.reduce_cl),
        "recurrent_loop": text(PackageResources.recurrent_loop_cl),
        "gemm_skinny": text(PackageResources.gemm_skinny_cl),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
