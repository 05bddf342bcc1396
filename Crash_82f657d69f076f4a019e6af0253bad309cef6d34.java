import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

public class Crash_82f657d69f076f4a019e6af0253bad309cef6d34 {
    static final String base64Bytes = String.join("", "CAESEhIJCP////////88CBJSAAjAQA==");

    public static void main(String[] args) throws Throwable {
        Crash_82f657d69f076f4a019e6af0253bad309cef6d34.class.getClassLoader().setDefaultAssertionStatus(true);
        try {
            Method fuzzerInitialize = org.mgm.fuzz.TfTensorFuzzTarget.class.getMethod("fuzzerInitialize");
            fuzzerInitialize.invoke(null);
        } catch (NoSuchMethodException ignored) {
            try {
                Method fuzzerInitialize = org.mgm.fuzz.TfTensorFuzzTarget.class.getMethod("fuzzerInitialize", String[].class);
                fuzzerInitialize.invoke(null, (Object) args);
            } catch (NoSuchMethodException ignored1) {
            } catch (IllegalAccessException | InvocationTargetException e) {
                e.printStackTrace();
                System.exit(1);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            e.printStackTrace();
            System.exit(1);
        }
        byte[] input = java.util.Base64.getDecoder().decode(base64Bytes);
        org.mgm.fuzz.TfTensorFuzzTarget.fuzzerTestOneInput(input);
    }
}