using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ControllersApp.Controllers;

[ApiController]
[Route("api/books")]
public sealed class BooksController : ControllerBase
{
    private static readonly Book[] s_books =
    [
        new(1, "The Pragmatic Programmer"),
        new(2, "Structure and Interpretation of Computer Programs"),
        new(3, "The Art of Computer Programming"),
    ];

    [HttpGet]
    public IEnumerable<Book> List() => s_books;

    [HttpGet("{id:int}")]
    public ActionResult<Book> Get(int id)
    {
        foreach (Book book in s_books)
        {
            if (book.Id == id)
            {
                return book;
            }
        }

        return NotFound();
    }

    [HttpPost]
    public ActionResult<Book> Create(NewBook request) =>
        CreatedAtAction(nameof(Get), new { id = 100 }, new Book(100, request.Title!));
}

public sealed record Book(int Id, string Title);

public sealed class NewBook
{
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string? Title { get; set; }
}
