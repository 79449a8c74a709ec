package dev.inventory.service.idempotency;

import dev.inventory.service.ServiceProperties;
import dev.inventory.service.problem.ProblemType;
import dev.inventory.service.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Honours the {@code Idempotency-Key} header on every write under {@code /api/}: the first request
 * with a key runs and its answer (status, body, {@code Location}) is stored; a repeat with the same
 * key and the same request gets that answer again, with {@code Idempotency-Replayed: true}, from
 * any instance, also after a restart. A key used with another request (method, path or body) is a
 * 422 problem. Answers of 5xx are not kept: the repeat runs again. Running a request twice is safe:
 * the library calls behind the writes are idempotent on the ids the service derives from the key,
 * and a receipt claims its key in its own transaction (see {@link IdempotencyStore}).
 *
 * <p>Writes without the header run as they come.
 */
@Component
public class IdempotencyFilter extends OncePerRequestFilter {
  /** The request header. */
  public static final String HEADER = "Idempotency-Key";

  /** Set on a repeated answer. */
  public static final String REPLAYED = "Idempotency-Replayed";

  /** The request attribute holding the key of the request, for the controllers. */
  public static final String CLAIMED_KEY = IdempotencyFilter.class.getName() + ".key";

  /** The request attribute holding the request's fingerprint. */
  public static final String FINGERPRINT = IdempotencyFilter.class.getName() + ".fingerprint";

  /**
   * Set by a controller that stored its answer in its own transaction ({@link
   * IdempotencyStore#answerInTransaction}): the filter then stores nothing.
   */
  public static final String ANSWERED_IN_TRANSACTION =
      IdempotencyFilter.class.getName() + ".answered";

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final int MAX_KEY_LENGTH = 255;

  private final IdempotencyStore store;
  private final Problems problems;
  private final int maxBodyBytes;

  IdempotencyFilter(IdempotencyStore store, Problems problems, ServiceProperties properties) {
    this.store = store;
    this.problems = problems;
    this.maxBodyBytes = properties.idempotency().maxBodyBytes();
  }

  /**
   * The key of the request being served, if it came with one.
   *
   * @param request the request
   * @return the key, or null
   */
  public static @Nullable String keyOf(HttpServletRequest request) {
    return (String) request.getAttribute(CLAIMED_KEY);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !WRITES.contains(request.getMethod())
        || !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HEADER);
    if (header == null) {
      chain.doFilter(request, response);
      return;
    }
    String key = unquote(header);
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !visibleAscii(key)) {
      ProblemDetail problem =
          problems.validation(
              "the Idempotency-Key header is invalid",
              List.of(
                  Map.of(
                      "field",
                      HEADER,
                      "message",
                      "must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters")));
      problems.write(response, problem, request);
      return;
    }
    byte[] body = readBody(request);
    if (body == null) {
      problems.write(
          response,
          problems.of(
              ProblemType.REQUEST_TOO_LARGE,
              "a request with an Idempotency-Key may have at most " + maxBodyBytes + " bytes"),
          request);
      return;
    }
    String path =
        request.getRequestURI()
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    String fingerprint = fingerprint(request.getMethod(), path, body);

    Optional<IdempotencyStore.Answer> stored = store.find(key);
    if (stored.isPresent()) {
      answerAgain(request, response, key, fingerprint, stored.get());
      return;
    }

    request.setAttribute(CLAIMED_KEY, key);
    request.setAttribute(FINGERPRINT, fingerprint);
    ContentCachingResponseWrapper cached = new ContentCachingResponseWrapper(response);
    chain.doFilter(new CachedBodyRequest(request, body), cached);
    int status = cached.getStatus();
    if (status < 500 && request.getAttribute(ANSWERED_IN_TRANSACTION) == null) {
      // A 5xx is not kept: a repeat runs again. Else the first answer stored is the answer.
      IdempotencyStore.Answer mine =
          new IdempotencyStore.Answer(
              fingerprint,
              request.getMethod(),
              path,
              status,
              cached.getContentType(),
              cached.getHeader(HttpHeaders.LOCATION),
              cached.getContentAsByteArray());
      Optional<IdempotencyStore.Answer> first = store.save(key, mine);
      if (first.isPresent()) {
        // A copy of this request ran at the same time and stored its answer first: send that one,
        // so that every copy gets the same answer.
        cached.resetBuffer();
        cached.reset();
        answerAgain(request, cached, key, fingerprint, first.get());
      }
    }
    cached.copyBodyToResponse();
  }

  /** A repeat: the stored answer, or a 422 if the key answered another request. */
  private void answerAgain(
      HttpServletRequest request,
      HttpServletResponse response,
      String key,
      String fingerprint,
      IdempotencyStore.Answer stored)
      throws IOException {
    if (!stored.fingerprint().equals(fingerprint)) {
      ProblemDetail problem =
          problems.of(
              ProblemType.IDEMPOTENCY_KEY_REUSED,
              "the Idempotency-Key '"
                  + key
                  + "' was first used with another request ("
                  + stored.method()
                  + " "
                  + stored.path()
                  + " with another body); use a new key for a new request");
      problem.setProperty("idempotencyKey", key);
      problem.setProperty("firstMethod", stored.method());
      problem.setProperty("firstPath", stored.path());
      problems.write(response, problem, request);
      return;
    }
    replay(response, stored);
  }

  private static void replay(HttpServletResponse response, IdempotencyStore.Answer answered)
      throws IOException {
    response.setStatus(answered.status());
    if (answered.contentType() != null) {
      response.setContentType(answered.contentType());
    }
    if (answered.location() != null) {
      response.setHeader(HttpHeaders.LOCATION, answered.location());
    }
    response.setHeader(REPLAYED, "true");
    response.setContentLength(answered.body().length);
    response.getOutputStream().write(answered.body());
  }

  private byte @Nullable [] readBody(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      return body.length > maxBodyBytes ? null : body;
    }
  }

  /**
   * What identifies a request for its key: SHA-256 of the method, the path with its query, and the
   * body, as sent.
   *
   * @param method the HTTP method
   * @param path the path and query
   * @param body the body's bytes
   * @return the hex digest
   */
  public static String fingerprint(String method, String path, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The key as sent, or the string inside the quotes of a Structured Field string. */
  private static String unquote(String header) {
    String value = header.strip();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  private static boolean visibleAscii(String key) {
    return key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** The request with its body read once, and read again from memory by the controllers. */
  private static final class CachedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is read synchronously");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      return new BufferedReader(
          new InputStreamReader(
              getInputStream(),
              encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
