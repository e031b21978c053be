/** The hotswap command line. */
module dev.hotswap.cli {
    requires dev.hotswap.protocol;
    requires info.picocli;
}
