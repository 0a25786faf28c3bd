#![doc = include_str!("../README.md")]

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// Pastes the view names of a tagged union and calls back a `macro_rules!` macro with them.
///
/// Input: `(callback::path) Name rest...`. Output: `callback::path! { Name NameRef NameOwned
/// rest... }`, where the pasted identifiers carry `Name`'s span, so they resolve (and are
/// visible) exactly where the user wrote `Name`. The `rest` tokens pass through untouched.
///
/// This is an implementation detail of `makai_ptr::tagged_union!`; its input format is not a
/// stable interface.
///
/// ```
/// macro_rules! show {
///     ($name:ident $view:ident $owned:ident [$($rest:tt)*]) => {
///         struct $name; struct $view; struct $owned;
///         const REST: &str = stringify!($($rest)*);
///     };
/// }
/// makai_macros::__tagged_union_names! { (show) Task [a b] }
/// let _ = (Task, TaskRef, TaskOwned);
/// assert_eq!(REST, "a b");
/// ```
///
/// Malformed input is a compile error, not a panic:
///
/// ```compile_fail
/// makai_macros::__tagged_union_names! { nothing_in_parentheses Task }
/// ```
#[proc_macro]
pub fn __tagged_union_names(input: TokenStream) -> TokenStream {
    match paste(input) {
        Ok(out) => out,
        Err((span, message)) => compile_error(span, message),
    }
}

/// The work of [`__tagged_union_names`], with errors as a span and a message.
fn paste(input: TokenStream) -> Result<TokenStream, (Span, &'static str)> {
    let mut tokens = input.into_iter();
    let callback = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.stream(),
        Some(other) => return Err((other.span(), "expected `(callback::path)`")),
        None => return Err((Span::call_site(), "expected `(callback::path) Name ...`")),
    };
    let name = match tokens.next().map(unwrap_invisible) {
        Some(TokenTree::Ident(name)) => name,
        Some(other) => return Err((other.span(), "expected the union's name")),
        None => return Err((Span::call_site(), "expected the union's name")),
    };
    let text = name.to_string();
    let base = text.strip_prefix("r#").unwrap_or(&text);
    let view = Ident::new(&format!("{base}Ref"), name.span());
    let owned = Ident::new(&format!("{base}Owned"), name.span());

    let mut body = TokenStream::new();
    body.extend([
        TokenTree::Ident(name),
        TokenTree::Ident(view),
        TokenTree::Ident(owned),
    ]);
    body.extend(tokens);

    let mut out = callback;
    out.extend([
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
        TokenTree::Group(Group::new(Delimiter::Brace, body)),
    ]);
    Ok(out)
}

/// A `$name:ident` forwarded by `macro_rules!` may arrive wrapped in an invisible group.
fn unwrap_invisible(tree: TokenTree) -> TokenTree {
    if let TokenTree::Group(g) = &tree
        && g.delimiter() == Delimiter::None
    {
        let mut inner = g.stream().into_iter();
        if let (Some(only), None) = (inner.next(), inner.next()) {
            return only;
        }
    }
    tree
}

/// `compile_error!("message")` at `span`.
fn compile_error(span: Span, message: &str) -> TokenStream {
    let mut lit = proc_macro::Literal::string(message);
    lit.set_span(span);
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(span);
    let mut group = Group::new(Delimiter::Parenthesis, TokenTree::Literal(lit).into());
    group.set_span(span);
    TokenStream::from_iter([
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(bang),
        TokenTree::Group(group),
    ])
}
